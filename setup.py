"""Optional compiled kernels.

The package is pure Python at heart: every compiled module below has a NumPy (or numba)
path that gives the same results, used when the module is absent. A missing C compiler
therefore makes the install slower to run, never broken (``optional=True``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent

# (module, source, needs NumPy's C headers)
KERNELS = [
    ("infobits.measures._ckernels", "src/infobits/measures/_ckernels.c", True),
    ("infobits.codes._cmcore", "src/infobits/codes/_cmcore.c", False),
]


def _extensions() -> list[Extension]:
    out = []
    for name, source, numpy_headers in KERNELS:
        if not (HERE / source).exists():
            continue
        out.append(
            Extension(
                name,
                [source],
                include_dirs=[np.get_include()] if numpy_headers else [],
                define_macros=[("NPY_NO_DEPRECATED_API", "NPY_2_0_API_VERSION")]
                if numpy_headers
                else [],
                extra_compile_args=["-O3"],
                optional=True,
            )
        )
    return out


setup(ext_modules=_extensions())
