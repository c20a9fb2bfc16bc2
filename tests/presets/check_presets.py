#!/usr/bin/env python3
"""Every configure preset's build folder stays clear of every other preset's.

The release preset builds in build/, where CMake keeps each source folder's
build files in build/<folder> (build/fuzz for fuzz/, build/python for python/).
A preset whose build folder is one of those (the `fuzz` preset once used
build/fuzz) overwrites the release build's files there, and `make test` after
`make fuzz` failed. usage: check_presets.py SOURCE_DIR
"""
import json
import pathlib
import sys

source = pathlib.Path(sys.argv[1]).resolve()
presets = {p["name"]: p for p in json.loads((source / "CMakePresets.json").read_text())["configurePresets"]}


def binary_dir(preset):
    while "binaryDir" not in preset:
        preset = presets[preset["inherits"]]
    return preset


failures = []
dirs = {}
for name, preset in presets.items():
    if preset.get("hidden"):
        continue
    text = binary_dir(preset)["binaryDir"]
    dirs[name] = pathlib.Path(text.replace("${sourceDir}", str(source)).replace("${presetName}", name)).resolve()
# The folders CMake writes inside each build folder: one per source folder added with add_subdirectory.
subfolders = [p.parent.relative_to(source) for p in source.glob("*/CMakeLists.txt")]
for a, da in dirs.items():
    for b, db in dirs.items():
        if a != b and da == db:
            failures.append(f"presets {a} and {b} share {da}")
        for sub in subfolders:
            if a != b and db == da / sub:
                failures.append(f"preset {b} builds in {db}, the folder preset {a} keeps {sub}/'s build files in")
for f in failures:
    print("FAIL:", f)
print(f"{len(dirs)} presets, {len(subfolders)} source folders checked")
sys.exit(1 if failures else 0)
