"""Pictures and PDFs made at seed time for the demo content (nothing is downloaded).

`slides_pdf` writes a real multi-page PDF with a text layer (standard Helvetica fonts, so no font
is embedded), so the demo decks have thumbnails, page counts and extractable text like real ones.
"""

import io
import math
import random
import zlib

from PIL import Image, ImageDraw, ImageFont

PAGE_WIDTH, PAGE_HEIGHT = 720, 540  # 4:3 slides, in PDF points

PALETTES = [
    ((11, 79, 138), (232, 240, 248), (194, 65, 12)),
    ((22, 101, 52), (236, 247, 240), (11, 79, 138)),
    ((90, 60, 153), (243, 239, 250), (22, 101, 52)),
    ((161, 98, 7), (253, 246, 232), (90, 60, 153)),
]


# --- PDF ------------------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def _page_stream(title: str, bullets: list[str], footer: str, number: int, total: int, palette) -> bytes:
    dark, light, accent = ((c / 255 for c in rgb) for rgb in palette)
    dark, light, accent = tuple(dark), tuple(light), tuple(accent)
    ops = [
        f"{light[0]:.3f} {light[1]:.3f} {light[2]:.3f} rg 0 0 {PAGE_WIDTH} {PAGE_HEIGHT} re f",
        f"{dark[0]:.3f} {dark[1]:.3f} {dark[2]:.3f} rg 0 {PAGE_HEIGHT - 110} {PAGE_WIDTH} 110 re f",
        f"{accent[0]:.3f} {accent[1]:.3f} {accent[2]:.3f} rg 0 {PAGE_HEIGHT - 116} {PAGE_WIDTH} 6 re f",
    ]
    # a small "network" drawing in the corner, different on every page
    rng = random.Random(zlib.crc32(f"{title}/{number}".encode()))
    nodes = [(560 + rng.randint(0, 120), 60 + rng.randint(0, 200)) for _ in range(7)]
    ops.append(f"{dark[0]:.3f} {dark[1]:.3f} {dark[2]:.3f} RG 1.2 w")
    for i, (x1, y1) in enumerate(nodes):
        for x2, y2 in nodes[i + 1 : i + 3]:
            ops.append(f"{x1} {y1} m {x2} {y2} l S")
    ops.append(f"{accent[0]:.3f} {accent[1]:.3f} {accent[2]:.3f} rg")
    for x, y in nodes:
        ops.append(f"{x - 5} {y - 5} 10 10 re f")
    text = [b"BT", b"1 1 1 rg", b"/F2 30 Tf", f"40 {PAGE_HEIGHT - 70} Td".encode()]
    for i, line in enumerate(_wrap(title, 38)[:2]):
        if i:
            text.append(b"0 -34 Td")
        text.append(b"(" + _pdf_text(line) + b") Tj")
    text.append(b"ET")
    y = PAGE_HEIGHT - 170
    body = [f"{dark[0]:.3f} {dark[1]:.3f} {dark[2]:.3f} rg".encode()]
    for bullet in bullets:
        for j, line in enumerate(_wrap(bullet, 48)):
            prefix = "" if number == 1 else "\u2022 " if j == 0 else "   "
            body += [
                b"BT",
                b"/F1 20 Tf",
                f"48 {y} Td".encode(),
                b"(" + _pdf_text(prefix + line) + b") Tj",
                b"ET",
            ]
            y -= 28
        y -= 10
    body += [
        b"BT",
        b"/F1 11 Tf",
        b"40 24 Td",
        b"(" + _pdf_text(f"{footer}   |   {number}/{total}") + b") Tj",
        b"ET",
    ]
    return "\n".join(ops).encode() + b"\n" + b"\n".join(text) + b"\n" + b"\n".join(body)


def slides_pdf(title: str, slides: list[tuple[str, list[str]]], footer: str, palette_index: int = 0) -> bytes:
    """A PDF with one page per (heading, bullet points) pair, the first page being `title`."""
    palette = PALETTES[palette_index % len(PALETTES)]
    pages = [(title, [footer]), *slides]
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    font_regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    font_bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for number, (heading, bullets) in enumerate(pages, start=1):
        stream = zlib.compress(_page_stream(heading, bullets, footer, number, len(pages), palette))
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
        )
        page = add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
            % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, content, font_regular, font_bold)
        )
        kids.append(page)
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    info = add(b"<< /Title (" + _pdf_text(title) + b") /Producer (SPP 2298 demo content) >>")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()


# --- pictures ----------------------------------------------------------------------------------


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def cover_image(seed: str, label: str = "", size=(1600, 900), palette_index: int = 0) -> bytes:
    """An abstract "neural network" picture as JPEG bytes, different for every seed."""
    dark, light, accent = PALETTES[palette_index % len(PALETTES)]
    rng = random.Random(seed)
    img = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(img)
    w, h = size
    layers = rng.randint(4, 6)
    columns = []
    for i in range(layers):
        x = int(w * (0.12 + 0.76 * i / (layers - 1)))
        count = rng.randint(3, 7)
        columns.append([(x, int(h * (j + 1) / (count + 1))) for j in range(count)])
    for left, right in zip(columns, columns[1:], strict=False):
        for a in left:
            for b in right:
                if rng.random() < 0.7:
                    draw.line([a, b], fill=dark, width=2)
    for column in columns:
        for x, y in column:
            r = rng.randint(14, 26)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=accent, outline=dark, width=3)
    for k in range(40):
        t = k / 40
        draw.point((int(w * t), int(h * (0.5 + 0.4 * math.sin(6.28 * t)))), fill=dark)
    if label:
        draw.rectangle([0, h - 110, w, h], fill=dark)
        draw.text((40, h - 88), label, fill=light, font=_font(54))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=88)
    return out.getvalue()


def portrait(initials: str, seed: str) -> bytes:
    """A placeholder portrait (initials on a coloured disc) for demo people."""
    rng = random.Random(seed)
    dark, light, accent = PALETTES[rng.randrange(len(PALETTES))]
    img = Image.new("RGB", (600, 600), light)
    draw = ImageDraw.Draw(img)
    draw.ellipse([50, 50, 550, 550], fill=dark)
    draw.text((300, 300), initials, fill=light, font=_font(200), anchor="mm")
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=88)
    return out.getvalue()


# --- the site's own marks (neutral shapes and initials, drawn here: never a third party's logo) --------


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def logo_mark(size: int = 512) -> bytes:
    """The demo program's logo: a small three-layer network in white on a navy rounded square
    (PNG with a transparent background)."""
    dark, light, accent = PALETTES[0]
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 6, fill=dark)
    layers = [
        [(0.24, y) for y in (0.30, 0.50, 0.70)],
        [(0.50, y) for y in (0.22, 0.40, 0.60, 0.78)],
        [(0.76, y) for y in (0.38, 0.62)],
    ]
    points = [[(int(x * size), int(y * size)) for x, y in layer] for layer in layers]
    for left, right in zip(points, points[1:], strict=False):
        for a in left:
            for b in right:
                draw.line([a, b], fill=(*light, 200), width=max(2, size // 90))
    radius = size // 20
    for i, layer in enumerate(points):
        for x, y in layer:
            fill = accent if i == len(points) - 1 else light
            draw.ellipse(
                [x - radius, y - radius, x + radius, y + radius], fill=fill, outline=light, width=size // 120
            )
    return _png(img)


def partner_mark(initials: str, caption: str, palette_index: int = 0) -> bytes:
    """A neutral mark for a demo partner: its initials in a rounded rectangle, a caption beside
    them (a stand-in, deliberately unlike the organisation's real logo)."""
    dark, light, _accent = PALETTES[palette_index % len(PALETTES)]
    img = Image.new("RGBA", (720, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([8, 20, 248, 180], radius=28, fill=dark)
    draw.text((128, 100), initials, fill=light, font=_font(84), anchor="mm")
    draw.text((280, 100), caption, fill=dark, font=_font(44), anchor="lm")
    return _png(img)


def hero_picture(size=(1600, 560)) -> bytes:
    """The demo home page picture: a soft diagonal gradient with a network-like line drawing (JPEG)."""
    w, h = size
    dark, light, accent = PALETTES[0]
    start, end = (226, 236, 246), (196, 216, 236)
    vertical = Image.linear_gradient("L")
    gradient = Image.blend(vertical, vertical.rotate(90), 0.5).resize((w, h), Image.Resampling.BICUBIC)
    img = Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), gradient)
    draw = ImageDraw.Draw(img, "RGBA")
    rng = random.Random("spp-2298-home")
    nodes = []
    for column in range(9):
        x = int(w * (0.05 + 0.9 * column / 8))
        for _ in range(rng.randint(3, 5)):
            nodes.append((x + rng.randint(-40, 40), rng.randint(int(h * 0.1), int(h * 0.9)), column))
    for x1, y1, c1 in nodes:
        for x2, y2, c2 in nodes:
            if c2 == c1 + 1 and rng.random() < 0.55:
                draw.line([(x1, y1), (x2, y2)], fill=(*dark, 70), width=2)
    for k in range(400):  # a slow wave through the network, in the accent colour
        t = k / 400
        x, y = int(w * t), int(h * (0.55 + 0.25 * math.sin(2 * math.pi * (t * 1.3 + 0.1))))
        draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(*accent, 150))
    for x, y, _column in nodes:
        r = rng.randint(6, 11)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*light, 255), outline=(*dark, 200), width=3)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=88)
    return out.getvalue()
