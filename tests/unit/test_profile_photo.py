"""Profile photos are checked by content and resized to a centred 256 px square."""

import io

import pytest
from PIL import Image

from mockmate.candidates.photo import SIDE, normalize_photo
from mockmate.errors import MockMateError


def image_bytes(size: tuple[int, int], kind: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    picture = Image.new(mode, size, "white" if mode != "1" else 1)
    if mode == "RGB":  # a red left half, to see the crop is centred
        picture.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    picture.save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP", "GIF"])
def test_an_image_becomes_a_centred_square_jpeg(kind: str) -> None:
    jpeg = normalize_photo(image_bytes((600, 300), kind))
    with Image.open(io.BytesIO(jpeg)) as photo:
        assert (photo.format, photo.size) == ("JPEG", (SIDE, SIDE))
        left, right = photo.convert("RGB").getpixel((10, 128)), photo.getpixel((245, 128))
    assert left[0] > 200 and left[1] < 80  # type: ignore[index]
    assert right[1] > 200  # type: ignore[index]


@pytest.mark.parametrize("data", [
    b"%PDF-1.7 not a picture at all",
    b"hello, I am a text file named photo.png",
    image_bytes((64, 64), "PNG")[:60],  # truncated
    image_bytes((64, 64), "BMP"),  # an image, but not a kind we take
    image_bytes((10_000, 5_000), "PNG", mode="1"),  # 50 million pixels
])
def test_anything_else_is_refused(data: bytes) -> None:
    with pytest.raises(MockMateError) as refused:
        normalize_photo(data)
    assert refused.value.code == "unsupported_document"
