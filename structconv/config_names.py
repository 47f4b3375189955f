"""The names of the settings files, looked for in a file's folder and each folder above.

A leaf that imports nothing: the hooks' memory (structconv.hook_cache) needs the names
on its fast path, where reading the settings (structconv.settings_file) would cost more
than the whole run.
"""

CONFIG_NAMES: tuple[str, ...] = (".structconv.toml", "pyproject.toml")
