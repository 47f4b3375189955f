"""Fine-tuning the repair model on premises: training pairs made by breaking valid
documents (documents, corrupt, data), LoRA training, export of the adapter to GGUF,
and its evaluation. Needs the `structconv[tune]` extra; nothing here is imported by
`import structconv`.
"""
