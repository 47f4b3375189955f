from __future__ import annotations

import pytest

from structconv.edit.core import delete_in_text, set_in_text
from structconv.edit.splice import EditRefused

POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- build -->
<project xmlns="http://maven.apache.org/POM/4.0.0" kind='app'>
  <version>1.0</version> <!-- bump on release -->
  <name lang="en">Demo &amp; co</name>
  <dependencies>
    <dependency><artifactId>a</artifactId></dependency>
    <dependency><artifactId>b</artifactId></dependency>
  </dependencies>
  <packaging/>
</project>
"""


def test_set_element_text_and_attribute() -> None:
    edit = set_in_text(POM, "project.version", "1.1", "xml")
    assert edit.text == POM.replace("<version>1.0</version>", "<version>1.1</version>")
    edit = set_in_text(POM, "project.@kind", "lib", "xml")
    assert "kind='lib'>" in edit.text
    edit = set_in_text(POM, 'project.name."#text"', "A < B", "xml")
    assert '<name lang="en">A &lt; B</name>' in edit.text


def test_numbers_are_written_as_text() -> None:
    edit = set_in_text(POM, "project.dependencies.dependency[1].artifactId", 3, "xml")
    assert "<dependency><artifactId>3</artifactId></dependency>" in edit.text


def test_add_element_and_attribute_in_the_files_style() -> None:
    edit = set_in_text(POM, "project.description", "x", "xml")
    assert "  <packaging/>\n  <description>x</description>\n</project>" in edit.text
    edit = set_in_text(POM, "project.name.@dir", "ltr", "xml")
    assert '<name lang="en" dir="ltr">' in edit.text
    edit = set_in_text(POM, "project.packaging", "jar", "xml")
    assert "<packaging>jar</packaging>" in edit.text


def test_delete_element_lines_and_attribute() -> None:
    edit = delete_in_text(POM, "project.dependencies.dependency[0]", "xml")
    assert "<artifactId>a</artifactId>" not in edit.text
    assert edit.text.count("\n") == POM.count("\n") - 1
    edit = delete_in_text(POM, "project.version", "xml")
    assert "version>" not in edit.text and "bump on release" not in edit.text
    edit = delete_in_text(POM, "project.@kind", "xml")
    assert '<project xmlns="http://maven.apache.org/POM/4.0.0">' in edit.text


def test_mixed_content_and_structures_are_refused() -> None:
    with pytest.raises(EditRefused, match="mixed content"):
        set_in_text("<a>text <b>x</b> more</a>", "a.b", "y", "xml")
    with pytest.raises(EditRefused, match="scalar"):
        set_in_text(POM, "project.version", {"a": 1}, "xml")
