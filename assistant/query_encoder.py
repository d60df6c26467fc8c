"""Questions embedded with ONNX Runtime instead of torch.

Embedding a question with sentence-transformers costs a torch import (seconds, hundreds of MB)
and ~27 ms per question; the same model exported to ONNX and run by ``onnxruntime`` (already
installed: chromadb depends on it) with the model's own ``tokenizer.json`` through
``tokenizers`` takes ~9.5 ms and starts in well under a second. So ``assistant index`` keeps
embedding passages with sentence-transformers and also exports the query side:

- the model's whole pipeline (transformer, its pooling and any further modules, then the
  normalisation that ``encode(normalize_embeddings=True)`` applies) as one ONNX graph with a
  dynamic batch and sequence length;
- its tokenizer as ``tokenizer.json`` with the model's truncation (``max_seq_length``) and
  padding only to the longest question of a batch, never to a fixed length;
- ``manifest.json``: the model name, the query prompt, a fingerprint of the model's files and
  of the exported files, and the worst cosine to sentence-transformers on probe texts (an
  export below ``PARITY`` is not written).

Where: ``<index_dir>/query-encoder/`` beside a local index. With a ``chroma run`` server
(``chroma_url``) there is no local index folder, so the export goes to
``$XDG_CACHE_HOME/assistant/query-encoders/<hash of the model name>/`` (default
``~/.cache``), built on first need by the first process that lacks it (``assistant index``
run on the same machine writes it too). ``query_encoder_dir`` names another folder.

Serving checks the manifest against the configured model, its files and the export's files;
when anything differs, or the export is missing or fails to load, questions are embedded with
sentence-transformers instead and the log says why, once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from assistant.embeddings import SentenceEmbedder, model_folder
from assistant.settings import Settings

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
GRAPH = "query_encoder.onnx"
TOKENIZER = "tokenizer.json"
PARITY = 0.9999
PROBES = (
    "Hvad er det første råd?",
    "hvorfor skal man tænke sikkerhed ind i digitaliseringen",
    "What does the article say about small ships?",
    "Æbler, øl og år: ÆØÅ æøå é ü – “citat” 2022!",
    " ".join(["digital transformation i kommunen"] * 120),  # longer than any max length
)
QueryEncode = Callable[[Sequence[str]], Any]
"""Texts -> one normalised vector per text."""


class ExportError(RuntimeError):
    """The model could not be exported, or the export does not reproduce the model."""


def export_folder(settings: Settings, model: str) -> Path:
    """Where the export for this index and model lives (see the module docstring)."""
    if settings.query_encoder_dir:
        return settings.query_encoder_dir
    if not settings.chroma_url:
        return settings.index_dir / "query-encoder"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(model.encode()).hexdigest()[:16]
    return cache / "assistant" / "query-encoders" / key


def first_line(exc: BaseException) -> str:
    """An exception as one short log line (exporter errors run to pages)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_records(
    folder: Path, names: Sequence[str] | None = None, known: Mapping[str, Any] | None = None
) -> dict[str, list[Any]]:
    """``relative path -> [size, mtime_ns, sha256]`` for the files of ``folder``.

    A file whose size and modification time match ``known`` keeps its recorded hash, as git's
    index does, so checking a 90 MB model at every start costs a few ``stat`` calls.
    """
    if names is None:
        paths = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    else:
        paths = [folder / name for name in names]
    records: dict[str, list[Any]] = {}
    for path in sorted(paths):
        relative = path.relative_to(folder).as_posix()
        stat = path.stat()
        old = (known or {}).get(relative)
        if old and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
            records[relative] = list(old)
        else:
            records[relative] = [stat.st_size, stat.st_mtime_ns, _sha256(path)]
    return records


def _same_content(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return {k: (v[0], v[2]) for k, v in a.items()} == {k: (v[0], v[2]) for k, v in b.items()}


class OnnxQueryEncoder:
    """The exported query encoder: ``tokenizers`` + ``onnxruntime``, no torch."""

    def __init__(self, folder: Path, prompt: str) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.folder = folder
        self.prompt = prompt
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        # One pool of a thread per core (ONNX Runtime's default), shared by concurrent
        # questions; idle threads sleep instead of spinning on a busy machine (see
        # docs/performance.md for the measurement).
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(folder / GRAPH), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = [i.name for i in self._session.get_inputs()]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised float32 vector per text; a batch is padded to its longest text."""
        encodings = self._tokenizer.encode_batch([self.prompt + t for t in texts])
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        feed = {name: np.asarray(columns[name], dtype=np.int64) for name in self._inputs}
        return self._session.run(None, feed)[0]


def check_export(folder: Path, embedder: SentenceEmbedder) -> tuple[dict[str, Any] | None, str]:
    """The manifest when the export in ``folder`` belongs to ``embedder``'s model and prompt
    and nothing changed since; otherwise ``None`` and the reason."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, f"there is no ONNX export of the query encoder in {folder}"
    wanted = {"format": FORMAT, "model": embedder.model_name, "prompt": embedder.query_prompt}
    if {key: manifest.get(key) for key in wanted} != wanted:
        return None, f"the ONNX export in {folder} is of another model, prompt or format"
    source = model_folder(embedder.model_name)
    if source is None:
        return None, f"the files of {embedder.model_name!r} were not found to check the export"
    try:
        model_files = file_records(source, known=manifest["model_files"])
        if not _same_content(model_files, manifest["model_files"]):
            return None, f"the files of {embedder.model_name!r} changed since the export"
        files = file_records(folder, [GRAPH, TOKENIZER], known=manifest["files"])
        if not _same_content(files, manifest["files"]):
            return None, f"the ONNX export in {folder} changed after it was written"
    except (OSError, KeyError, TypeError, IndexError):
        return None, f"the ONNX export in {folder} is incomplete or damaged"
    return manifest, ""


def _write_tokenizer(st_model: Any, path: Path) -> None:
    """The model's own fast tokenizer, truncating as the model does and padding a batch only
    to its longest member."""
    module = st_model[0]
    hf_tokenizer = getattr(module, "tokenizer", None)
    backend = getattr(hf_tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise ExportError("the model has no fast (tokenizers) tokenizer to export")
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(backend.to_str())
    tokenizer.enable_truncation(max_length=st_model.max_seq_length)
    tokenizer.enable_padding(
        direction=hf_tokenizer.padding_side,
        pad_id=hf_tokenizer.pad_token_id or 0,
        pad_type_id=hf_tokenizer.pad_token_type_id or 0,
        pad_token=hf_tokenizer.pad_token or "[PAD]",
    )
    tokenizer.save(str(path))


def _export_graph(st_model: Any, path: Path) -> None:
    import torch

    names = list(st_model[0].tokenizer.model_input_names)
    if not set(names) <= {"input_ids", "attention_mask", "token_type_ids"}:
        raise ExportError(f"the model takes inputs the export does not know: {names}")

    class Graph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = st_model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor | None = None,
        ) -> torch.Tensor:
            features: dict[str, Any] = {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "modality": "text",
            }
            if token_type_ids is not None:
                features["token_type_ids"] = token_type_ids
            vectors = self.model(features)["sentence_embedding"]
            return torch.nn.functional.normalize(vectors, p=2.0, dim=1)

    example = st_model.preprocess(["en kort tekst", "en lidt længere tekst til eksemplet"])
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)  # it lists every torchvision operator it skips
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(
                Graph().eval(),
                (),
                kwargs={n: example[n] for n in names},
                input_names=names,
                output_names=["query_vector"],
                dynamic_shapes={n: {0: batch, 1: sequence} for n in names},
                dynamo=True,
                external_data=False,
                verbose=False,
            )
    finally:
        exporter_log.setLevel(level)
    if program is None:
        raise ExportError("torch.onnx.export returned no program")
    program.save(str(path))


def _default_prompt(st_model: Any, query_prompt: str) -> str:
    """The prompt sentence-transformers applies: ours, else the model's default one."""
    if query_prompt:
        return query_prompt
    default = getattr(st_model, "default_prompt_name", None)
    return str(getattr(st_model, "prompts", {}).get(default, "")) if default else ""


def export_query_encoder(embedder: SentenceEmbedder, folder: Path) -> dict[str, Any]:
    """Export ``embedder``'s model into ``folder`` and return the manifest.

    Written into a temporary folder beside it, checked against sentence-transformers on the
    probe texts, then moved into place, so a reader never sees half an export.
    Raises ``ExportError`` (or the exporter's own error) when the model cannot be exported.
    """
    st_model = embedder.model
    source = model_folder(embedder.model_name) if st_model is not None else None
    if st_model is None or source is None:
        raise ExportError(f"{embedder.model_name!r} is not a local sentence-transformers model")
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    work.chmod(0o755)  # readable by a server running as another user, like the index
    try:
        _write_tokenizer(st_model, work / TOKENIZER)
        _export_graph(st_model, work / GRAPH)
        prompt = _default_prompt(st_model, embedder.query_prompt)
        reference = np.asarray(embedder.embed_query(list(PROBES)))
        exported = OnnxQueryEncoder(work, prompt)(list(PROBES))
        worst = float(np.min(np.sum(reference * exported, axis=1)))
        if worst < PARITY:
            raise ExportError(f"the export differs from the model (cosine {worst:.6f})")
        manifest = {
            "format": FORMAT,
            "model": embedder.model_name,
            "prompt": embedder.query_prompt,
            "applied_prompt": prompt,
            "max_seq_length": st_model.max_seq_length,
            "worst_probe_cosine": worst,
            "model_files": file_records(source),
            "files": file_records(work, [GRAPH, TOKENIZER]),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(folder)
        work.rename(folder)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ensure_export(embedder: SentenceEmbedder, folder: Path) -> bool:
    """Export unless a current export is there; True when one was written."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder.parent / f".{folder.name}.lock"), timeout=600):
        if check_export(folder, embedder)[0] is not None:
            return False
        export_query_encoder(embedder, folder)
        return True


def load_query_encoder(
    embedder: SentenceEmbedder, folder: Path, build_missing: bool = False
) -> QueryEncode:
    """The ONNX query encoder from ``folder``, or ``embedder.embed_query`` when the export is
    missing, stale or broken (the log says why). ``build_missing`` exports on first need."""
    manifest, problem = check_export(folder, embedder)
    if manifest is None and build_missing:
        try:
            ensure_export(embedder, folder)
            manifest, problem = check_export(folder, embedder)
        except Exception as exc:  # any exporter failure means: use the model itself
            problem = f"exporting the query encoder to {folder} failed ({first_line(exc)})"
    if manifest is not None:
        try:
            return OnnxQueryEncoder(folder, str(manifest["applied_prompt"]))
        except Exception as exc:  # a damaged file, an unloadable graph
            problem = f"the ONNX export in {folder} could not be loaded ({first_line(exc)})"
    log.warning(
        "questions are embedded with sentence-transformers (torch), which is slower to load "
        "and to run: %s; run `assistant index` to export the query encoder",
        problem,
    )
    return embedder.embed_query
