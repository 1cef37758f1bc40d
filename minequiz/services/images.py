"""Pictures uploaded by editors: decoded, checked, shrunk and re-encoded, so what is served
is always a clean PNG or JPEG without metadata (no camera, no GPS position)."""

import hashlib
import io
import warnings

from PIL import Image as PillowImage
from PIL import UnidentifiedImageError

from ..extensions import db
from ..models import Image

MAX_UPLOAD_BYTES = 3 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1200
ACCEPTED = {"PNG", "JPEG", "GIF", "WEBP"}


class ImageRejected(Exception):
    """`reason` is one of: too-large, not-an-image, wrong-type."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def clean(data: bytes) -> tuple[bytes, str, int, int]:
    """(bytes, mime type, width, height) of the re-encoded picture, or ImageRejected."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected("too-large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            with PillowImage.open(io.BytesIO(data)) as probe:
                kind = probe.format
                probe.verify()
            picture = PillowImage.open(io.BytesIO(data))
            if picture.width * picture.height > MAX_PIXELS:
                raise ImageRejected("too-large")
            picture.load()
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, PillowImage.DecompressionBombError, Warning):
        raise ImageRejected("not-an-image") from None
    if kind not in ACCEPTED:
        raise ImageRejected("wrong-type")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    out = io.BytesIO()
    if has_alpha or kind in ("PNG", "GIF"):
        picture.convert("RGBA" if has_alpha else "RGB").save(out, "PNG", optimize=True)
        mime = "image/png"
    else:
        picture.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        mime = "image/jpeg"
    return out.getvalue(), mime, picture.width, picture.height


def store(data: bytes) -> Image:
    """The Image row for an upload, reusing an identical picture already stored."""
    cleaned, mime, width, height = clean(data)
    digest = hashlib.sha256(cleaned).hexdigest()
    existing = db.session.scalar(db.select(Image).where(Image.sha256 == digest))
    if existing is not None:
        return existing
    image = Image(sha256=digest, mime=mime, width=width, height=height, data=cleaned)
    db.session.add(image)
    db.session.flush()
    return image


def by_sha(digest: str) -> Image | None:
    return db.session.scalar(db.select(Image).where(Image.sha256 == digest))
