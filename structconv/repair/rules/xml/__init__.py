"""XML repair rules: feeds with `&nbsp;` and bare `&`, hand-written config, HTML-ish
fragments, truncated SOAP responses, documents pasted one after another.

The rules do not use lxml's recover mode (it drops data without saying so). A lenient
tokenizer reads the whole text, a walk over the tokens keeps the stack of open elements,
and every change is an Edit over the original text, so each becomes a Fix. Where the
walk meets a choice whose readings give different data, it explores each (at most 8
readings, 32 walks) and the readings that parse and differ become an Ambiguity.

Rules, and what each refuses to do:

- html-entity: an HTML entity XML does not declare (`&nbsp;` `&eacute;` `&copy;`)
  becomes its character(s), from the stdlib html.entities table (0.95). Left alone
  when the DOCTYPE names an external DTD (the reader keeps `&name;` as text then).
- bare-ampersand: a `&` that starts no reference becomes `&amp;` (`AT&T`, `?a=1&b=2`,
  `&copy 2024`: the text stays exactly as written) (0.95).
- unknown-entity / invalid-character-reference: `&foo;` (in no table) or `&#0;` is kept
  as the text "&foo;" by escaping its `&` (0.8); nothing is expanded or guessed.
- less-than-in-text: a `<` that starts no markup (`1 < 2`) becomes `&lt;` (0.9);
  cdata-end-in-text: `]]>` in text becomes `]]&gt;` (0.95), unless an element left open
  stands before it (`is <b> text]]>`: a CDATA section that lost its start?). Refused: a `<` followed
  by a name that does not form a tag (`x<y then`): a tag or text?
- unquoted-attribute: `<a href=x>` quotes the value (0.95); `a=“x”` (typographic
  quotes around all of it) becomes `a="x"`. Refused: a value ending in
  `/` right before `>` (part of the value, or the empty-element mark?) and an attribute
  without a value (`<input disabled>`: its value would be invented).
- attribute-quote: a value that lost its opening quote (`name=small">`) or its closing
  one where that is certain (no other quote on its line, and the line ends the value
  with an attribute or the tag's end on the next line, or a `>` ends a value without
  spaces: `translatable="false>No</string>`) gets it back (0.85).
- attribute-escape: `<` and `&` inside attribute values are escaped (0.9/0.95).
- attribute-spacing: `a="1"b="2"` gets its space (0.99); duplicate-attribute: the same
  attribute twice with the same value loses the second (0.9). Refused: different values.
- end-tag-case: `<Name>..</name>` spells the end tag like the start tag (0.9); when the
  end tag's spelling is also a start tag elsewhere in the document, which spelling is
  the typo is unclear: an Ambiguity.
- unclosed-element: an element still open when its parent's end tag comes is closed
  there, before the whitespace that precedes it (0.85 text, 0.8 children); one that
  holds nothing but blanks and comments is made empty (`<x>` for `<x/>`, 0.9). An HTML
  void element (`br` `hr` `img` `input` `wbr` always; `meta` `link` ... when the tag
  has attributes) is made empty instead (0.9). When the open element holds a child of
  its own name (`<li>a<li>b</ul>`, `<p>one<p>two</div>`), nested or siblings gives
  different data: an Ambiguity (one choice per element name, not per element). So does
  an open element whose text ends its line and is followed by elements (`<name>Ada` then
  `<born>` below): a forgotten end tag after the value, or mixed content; and an open
  element followed by elements (`<activity a="x">` then `<provider>`): its end tag lost
  (it holds them), or the `/` of an empty element (they are its siblings).
- stray-end-tag: an end tag that closes nothing open is removed (0.7). Refused when
  the text before it holds `name>` (a start tag that lost its `<`: removing the end
  tag would turn the element into text).
  overlapping-tags: `<b><i>x</b></i>` (only whitespace between the end tags) is the end
  tags in the wrong order (0.85); with text between (`<b>1<i>2</b>3</i>`), where the
  third piece belongs is unclear: an Ambiguity.
- several-roots: several top-level elements (concatenated documents, fragments) are
  wrapped in one element named by options.root, else "root" (0.85); the later XML
  declarations and DOCTYPEs are removed (0.99).
- stray-text: text before the root element or after it is removed (0.7): it is not
  part of the document. declaration-position: whitespace before `<?xml` removed (0.99).
- declaration-quotes: a malformed XML declaration (a missing quote, no version) is
  rewritten from what it says (0.95); comment-double-hyphen: a comment holding `--` is
  removed (comments are not data) (0.99); doctype-keyword: `<!doctype` -> `<!DOCTYPE`.
- truncated: a document that ends inside an element, after complete content (only end
  tags lost): the open elements are closed (0.6); an end tag cut short (`</Pri` at the
  end, inside `<Price>`) is completed. Refused: a document that ends inside text (its
  value is cut off: the provenance check refuses keeping or dropping it), inside a start
  tag or attribute value, or leaves no element.

Left alone (the original ParseError stands): undeclared namespace prefixes (their URI
would be invented), characters XML 1.0 cannot hold, encodings the reader refuses.
"""

from __future__ import annotations

from structconv.repair.rules import RuleSet
from structconv.repair.rules.xml.tokenizer import input_values
from structconv.repair.rules.xml.walk import repair

__all__ = ["RULESET", "input_values", "repair"]


RULESET = RuleSet("xml", repair, input_values)
