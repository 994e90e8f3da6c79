"""The pre-framed send path for daphne sockets (journeymap/realtime/wire.py): the bytes it
writes are the frame any WebSocket peer reads, and only daphne's `send` gets a writer."""

from __future__ import annotations

import functools

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from journeymap.realtime import wire


def parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("incomplete frame")


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 300_000])
def test_text_frame_is_what_websockets_reads_and_writes(size: int) -> None:
    text = ("é" * size)[: size // 2] + "x" * (size - size // 2)
    frame = wire.text_frame(text)
    parsed = parse(frame)
    assert parsed.opcode is Opcode.TEXT and parsed.fin
    assert parsed.data.decode() == text
    assert frame == Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


def test_one_fan_out_frames_its_text_once() -> None:
    text = "".join(["patch ", "42"])  # built at run time: a new object
    first = wire.text_frame(text)
    assert wire.text_frame(text) is first
    other = wire.text_frame("".join(["patch ", "43"]))
    assert other is not first and parse(other).data == b"patch 43"


def test_only_daphnes_send_gets_a_writer() -> None:
    async def send(message: dict[str, object]) -> None:
        pass

    class NotDaphne:
        async def handle_reply(self, protocol: object, message: object) -> None:
            pass

    assert wire.writer_for(send) is None
    assert wire.writer_for(functools.partial(NotDaphne().handle_reply, object())) is None
    assert wire.writer_for(functools.partial(send)) is None
