"""Build hook: compile the optional accelerator (codec/_speedups.pyx).

The extension is built when Cython, lxml's headers and a C compiler are all
there; when any is missing, or the build fails, the package installs pure
(the pure-Python modules are the reference and the fallback, so nothing is
lost but speed). ``ALTCRAFT_CODEC_PURE_BUILD=1`` skips the build on purpose.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent
SOURCE = "codec/_speedups.pyx"


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compiles the accelerator in place; adds it to the wheel when it built."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if os.environ.get("ALTCRAFT_CODEC_PURE_BUILD", "") not in ("", "0"):
            self.app.display_info("altcraft-codec: ALTCRAFT_CODEC_PURE_BUILD is set, building pure")
            return
        try:
            built = _build_extension()
        except Exception as exc:
            self.app.display_warning(f"altcraft-codec: the accelerator did not build ({exc}); installing pure")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(built)] = built.relative_to(ROOT).as_posix()


def _build_extension() -> Path:
    import lxml  # noqa: PLC0415 - build requirements, imported only here
    from Cython.Build import cythonize  # noqa: PLC0415
    from setuptools import Distribution, Extension  # noqa: PLC0415

    # The lxml version compiled against is baked in: at import, the module
    # refuses an lxml whose C API it was not built for (codec/_accel.py).
    extension = Extension(
        "codec._speedups",
        [SOURCE],
        include_dirs=lxml.get_include(),
        define_macros=[("ALTCRAFT_LXML_VERSION", f'"{lxml.__version__}"')],
    )
    modules = cythonize([extension], compiler_directives={"language_level": "3"}, quiet=True)
    distribution = Distribution({"name": "altcraft-codec", "ext_modules": modules})
    command = distribution.get_command_obj("build_ext")
    command.inplace = True  # type: ignore[attr-defined]
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        command.ensure_finalized()
        command.run()
        built = ROOT / command.get_ext_fullpath("codec._speedups")  # type: ignore[attr-defined]
    finally:
        os.chdir(cwd)
    if not built.is_file():
        raise RuntimeError(f"build_ext did not produce {built}")
    return built


if __name__ == "__main__":  # python hatch_build.py: build in place, for development
    print(_build_extension(), file=sys.stderr)
