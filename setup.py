"""Builds echoorg's one optional C accelerator; everything else is in pyproject.toml.

The extension reads plain responses files quickly (see echoorg/core/diagnostic/fastread.py
and docs/decisions/0002-c-accelerator.md). It is optional: without a C compiler the
install still succeeds and echoorg reads the same files with Arrow, only more slowly.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "echoorg.core.diagnostic._fast",
            ["echoorg/core/diagnostic/_fast.c"],
            depends=["echoorg/core/diagnostic/_fast_core.h"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
