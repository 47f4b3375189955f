"""Repair of broken input: deterministic rules first, then the local model.

pipeline.py runs it (rules -> strict reader -> provenance validation); rules/ holds
one module per format; edits.py turns every change into a Fix. Importing this
package loads nothing: clean input never pays for repair.
"""
