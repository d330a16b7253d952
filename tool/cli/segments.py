"""Commands that correct the segmentation: join-segments, split-segment."""

from __future__ import annotations

from dataclasses import asdict

import click

from tool.cli.app import json_option, pass_desk, print_json
from tool.cli.desk import Desk


@click.command("join-segments")
@click.argument("first", metavar="A", type=int)
@click.argument("second", metavar="B", type=int)
@json_option
@pass_desk
def join_segments(desk: Desk, first: int, second: int, as_json: bool) -> None:
    """Join segment B into segment A, just before it (editors).

    For a sentence the segmenter cut in two. In every language, A's unit gets the joined
    translation and goes back to review; B leaves with its history. Units someone else
    holds are refused. The correction is kept when the original is imported again.
    """
    result = desk.join_segments(first, second)
    if as_json:
        print_json(asdict(result))
        return
    click.echo(f"joined segment {second} into {first}: {result.texts[0]}")
    if result.units:
        click.echo(f"units back to review: {', '.join(map(str, result.units))}")


@click.command("split-segment")
@click.argument("segment", metavar="A", type=int)
@click.option("--at", "at_text", required=True, metavar="TEXT",
              help="The words that begin the second part.")  # fmt: skip
@json_option
@pass_desk
def split_segment(desk: Desk, segment: int, at_text: str, as_json: bool) -> None:
    """Split segment A in two before TEXT (editors).

    For two sentences the segmenter left as one. In every language, A's unit keeps its
    text (back to review) and the second part gets a new unit. Units someone else holds
    are refused. The correction is kept when the original is imported again.
    """
    result = desk.split_segment(segment, at_text)
    if as_json:
        print_json(asdict(result))
        return
    first, second = result.segments
    click.echo(f"split segment {first}: {result.texts[0]}")
    click.echo(f"new segment {second}: {result.texts[1]}")
