"""One large PDF through the admin's upload path: how long it takes and how much memory it needs.

    .venv/bin/python bench/upload_pdf.py [--pages 300] [--size-mb 50] [--regenerate]

Makes (once, cached as var/bench/slides-<pages>p-<size>mb.pdf) a slide deck of `--pages` pages
with text and photographs (JPEG, and every fifth page a screenshot stored losslessly), about
`--size-mb` MB; its pixels are noise, so they do not compress away. Then a fresh process uploads
it as the admin's slide-deck form does: the multipart request body is parsed by Django's upload
handlers (the file spills to a temporary file), `SlideDeckForm` checks it (`inspect_document`: the
child process disarms it and reads its page count, first page and text) and saves it (the file and
its first-page picture are stored, the deck row written). The deck is made for a throwaway event,
and both, with their stored files, are deleted afterwards.

Prints one JSON object on stdout: file size, pages, seconds from the first byte of the request body
to the saved deck, peak resident memory of that process (`peak_rss_mb_parent`, the web worker's
side, Django included) and of the inspector (`peak_rss_mb_child`), whether a first-page picture
was made and how many characters of text were kept. How the seconds split, the memory before the
upload and the load average go to stderr. (Linux carries a process's peak over into the program it
starts, so `peak_rss_mb_child` is never below the web process's peak when the inspector started.)

The site's settings apply (DJANGO_SETTINGS_MODULE, default spp_site.settings); without
DATABASE_URL and MEDIA_ROOT in the environment it uses var/bench/db.sqlite3 and var/bench/media
(migrated on the way). No server is needed.
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
MiB = 1024 * 1024
PAGE_WIDTH, PAGE_HEIGHT = 960, 540  # 16:9, in points
PHRASES = (
    "approximation rates", "generalisation bounds", "deep networks", "gradient descent", "loss landscape",
    "overparameterisation", "the kernel regime", "feature learning", "expressivity", "robustness",
    "adversarial examples", "sample complexity", "convergence", "implicit bias", "sparsity", "transformers",
    "graph neural networks", "operator learning", "inverse problems", "uncertainty quantification",
    "the mean-field limit", "benign overfitting", "double descent", "PAC-Bayes bounds", "equivariance",
)  # fmt: skip


# --- The file -----------------------------------------------------------------------------------


def _picture(rng: random.Random, width: int, height: int, noise: float):
    """A gradient under `noise` (0-1) of random pixels: a photograph as far as compression goes."""
    from PIL import Image

    grain = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    return Image.blend(base, grain, noise)


def _line(rng: random.Random, phrases: int) -> str:
    text = ", ".join(rng.choice(PHRASES) for _ in range(phrases))
    return text[0].upper() + text[1:]


def make_pdf(path: Path, pages: int, size_mb: float) -> None:
    """Write a `pages`-page deck of about `size_mb` MB to `path` (the same one every time)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    rng = random.Random(2298)
    target = size_mb * MiB
    pdf = pikepdf.new()
    pdf.docinfo["/Title"] = f"Benchmark deck, {pages} pages"
    pdf.docinfo["/Producer"] = "SPP 2298 bench/upload_pdf.py"
    regular, bold = (
        pdf.make_indirect(
            Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name(base), Encoding=Name.WinAnsiEncoding)
        )
        for base in ("/Helvetica", "/Helvetica-Bold")
    )
    noise, written = 0.3, 0
    for number in range(1, pages + 1):
        # Steer the grain so that the file ends near its size: bytes so far against the plan.
        if written:
            noise = min(0.9, max(0.02, noise * (target * (number - 1) / pages / written) ** 0.5))
        if number % 5 == 0:  # a screenshot, kept lossless (Flate), as PDF exporters store PNGs
            image = _picture(rng, 400, 225, noise / 3)
            data = zlib.compress(image.tobytes(), 6)
            stream = pdf.make_stream(data, Filter=Name.FlateDecode)
        else:
            image = _picture(rng, 960, 540, noise)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)
            data = out.getvalue()
            stream = pdf.make_stream(data, Filter=Name.DCTDecode)
        written += len(data)
        stream.Type, stream.Subtype = Name.XObject, Name.Image
        stream.Width, stream.Height = image.width, image.height
        stream.ColorSpace, stream.BitsPerComponent = Name.DeviceRGB, 8
        heading = f"Slide {number}: {_line(rng, 2)}"
        bullets = " ".join(f"(- {_line(rng, rng.randint(2, 3))}) Tj T*" for _ in range(7))
        text = f"BT /F2 28 Tf 40 480 Td ({heading}) Tj ET\n"
        text += f"BT /F1 14 Tf 40 420 Td 26 TL {bullets} ET\n"
        text += (
            f"BT /F1 10 Tf 40 20 Td (SPP 2298 - Theoretical Foundations of Deep Learning - {number}) Tj ET\n"
        )
        drawing = b"q 420 0 0 236 520 150 cm /Im1 Do Q\n" + text.encode("cp1252")
        link = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([40, 10, 400, 32]),
            Border=Array([0, 0, 0]),
            A=Dictionary(S=Name.URI, URI=String("https://www.spp2298.de/")),
        )
        page = Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, PAGE_WIDTH, PAGE_HEIGHT]),
            Resources=Dictionary(Font=Dictionary(F1=regular, F2=bold), XObject=Dictionary(Im1=stream)),
            Contents=pdf.make_stream(zlib.compress(drawing), Filter=Name.FlateDecode),
            Annots=Array([pdf.make_indirect(link)]),
        )
        pdf.pages.append(pikepdf.Page(page))
    partial = path.with_suffix(".partial")
    # Object streams, as most current exporters (PowerPoint, LaTeX) write them.
    pdf.save(partial, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    partial.replace(path)


# --- The upload ---------------------------------------------------------------------------------


class MultipartBody(io.RawIOBase):
    """A multipart/form-data request body read from disk a piece at a time, as a WSGI server hands
    one to Django: the form fields, then the file's bytes, then the closing boundary."""

    def __init__(self, fields: dict[str, str], field: str, path: Path, boundary: str):
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{path.name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        self._parts = [
            io.BytesIO(head.encode()),
            path.open("rb"),
            io.BytesIO(f"\r\n--{boundary}--\r\n".encode()),
        ]
        self.length = len(head.encode()) + path.stat().st_size + len(f"\r\n--{boundary}--\r\n")

    def readable(self):
        return True

    def readinto(self, buffer):
        while self._parts:
            count = self._parts[0].readinto(buffer)
            if count:
                return count
            self._parts.pop(0).close()
        return 0

    def close(self):
        for part in self._parts:
            part.close()
        super().close()


def _peak_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # kilobytes on Linux


def measure(path: Path) -> dict:
    """Upload `path` through the slide-deck form in this process; return the figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spp_site.settings")
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.handlers.wsgi import WSGIRequest
    from django.utils import timezone

    from events import uploads
    from events.forms import SlideDeckForm
    from events.models import Event, SlideDeck

    in_child = []  # seconds spent waiting for the inspector, for the breakdown on stderr
    run_child = uploads._run_child

    def timed_run_child(*args, **kwargs):
        started = time.perf_counter()
        try:
            return run_child(*args, **kwargs)
        finally:
            in_child.append(time.perf_counter() - started)

    uploads._run_child = timed_run_child

    event = Event.objects.create(
        title="Upload benchmark (deleted afterwards)",
        slug=f"upload-benchmark-{os.getpid()}",
        kind=Event.Kind.WORKSHOP,
        start=timezone.now(),
        end=timezone.now(),
    )
    fields = {"event": str(event.pk), "title": "Benchmark deck", "slug": f"benchmark-deck-{os.getpid()}"}
    fields |= {"licence": "cc-by-4.0", "language": "en", "guest_speakers": ""}
    boundary = "BenchBoundary2298"
    body = MultipartBody(fields, "upload", path, boundary)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/admin/events/slidedeck/add/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BufferedReader(body, 64 * 1024),
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(body.length),
    }
    rss_before = _peak_mb(resource.RUSAGE_SELF)
    deck = None
    try:
        started = time.perf_counter()
        request = WSGIRequest(environ)
        files = request.FILES  # parsed now: the file is written to a temporary file as it comes
        received = time.perf_counter()
        form = SlideDeckForm(request.POST, files)
        if not form.is_valid():
            raise SystemExit(f"The upload was refused: {form.errors.as_json()}")
        checked = time.perf_counter()
        deck = form.save()
        saved = time.perf_counter()
        files["upload"].close()  # Django does this at the end of the request; the temporary file goes
        result = {
            "file_mb": round(path.stat().st_size / MiB, 1),
            "pages": deck.page_count,
            "seconds": round(saved - started, 2),
            "peak_rss_mb_parent": _peak_mb(resource.RUSAGE_SELF),
            "peak_rss_mb_child": _peak_mb(resource.RUSAGE_CHILDREN),
            "thumbnail": bool(deck.thumbnail) and default_storage.exists(deck.thumbnail.name),
            "text_chars": len(deck.text),
        }
        stages = {
            "receive (parse the request body)": round(received - started, 2),
            "inspector (child process)": round(sum(in_child), 2),
            "rest of the check (hashing)": round(checked - received - sum(in_child), 2),
            "store and save": round(saved - checked, 2),
        }
        print(f"stages (s): {json.dumps(stages)}", file=sys.stderr)
        print(f"peak RSS before the upload: {rss_before} MB", file=sys.stderr)
        return result
    finally:
        stored, made = [], {Event: event.pk}
        if deck is not None and deck.pk:
            stored, made[SlideDeck] = [deck.file.name, deck.thumbnail.name], deck.pk
            deck.delete()  # autocommit: spp_site.cleanup deletes files nothing refers to any more
        event.delete()
        for model, pk in made.items():
            model.history.filter(id=pk).delete()
        left = [name for name in stored if name and default_storage.exists(name)]
        if left:  # already stored for another row: this run did not write it, its figures are off
            print(f"warning: the database already held {', '.join(left)}", file=sys.stderr)
        body.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--regenerate", action="store_true", help="make the PDF again")
    # This process only starts others. Linux counts the memory of the process that starts a
    # program into the program's peak (execve keeps the high-water mark), so the PDF is made in
    # a process of its own, and the upload is measured in a fresh one started from this small one.
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make_pdf(args.make, args.pages, args.size_mb)
        return 0
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"slides-{args.pages}p-{args.size_mb:g}mb.pdf"
    if args.regenerate or not path.exists():
        started = time.perf_counter()
        command = [sys.executable, __file__, "--make", str(path), "--pages", str(args.pages)]
        subprocess.run([*command, "--size-mb", str(args.size_mb)], check=True)
        print(f"made {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'db.sqlite3'}")
    env.setdefault("MEDIA_ROOT", str(BENCH_DIR / "media"))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "--verbosity", "0"],
        env=env,
        check=True,
    )
    print("load average: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), file=sys.stderr)
    # A fresh process, so that its peak memory is the upload's (and Django's), not the generator's.
    measured = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)], env=env, stdout=subprocess.PIPE, text=True
    )
    if measured.returncode:
        return measured.returncode
    sys.stdout.write(measured.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
