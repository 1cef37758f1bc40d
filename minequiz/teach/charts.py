"""Server-rendered SVG charts: coordinates computed here, drawn by teach/_charts.html."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40


@dataclass
class LineChart:
    width: int
    height: int
    points: list[tuple[float, float, object]]  # x, y, the data point
    gridlines: list[tuple[float, int]]  # y, percent
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


def line_chart(points) -> LineChart:
    """Mean score (0–100) per day, left to right."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / (len(points) - 1) if len(points) > 1 else 0
    placed = [
        (LEFT + (index * step if len(points) > 1 else inner_w / 2), TOP + inner_h * (1 - point.average / 100), point)
        for index, point in enumerate(points)
    ]
    grid = [(TOP + inner_h * (1 - p / 100), p) for p in (0, 50, 80, 100)]
    return LineChart(WIDTH, HEIGHT, placed, grid)


@dataclass
class Bar:
    y: float
    width: float
    label: str
    percent: float | None
    good: bool


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    label_width: int
    bar_height: int
    mastery_x: float


def bar_chart(items: list[tuple[str, float | None]], mastery: int, label_width: int = 300) -> BarChart:
    """Horizontal bars of a percent each, with a line at the mastery level."""
    bar_height, gap = 22, 10
    inner = WIDTH - label_width - 60
    bars = [
        Bar(
            TOP + i * (bar_height + gap),
            inner * (percent or 0) / 100,
            label,
            percent,
            percent is not None and percent >= mastery,
        )
        for i, (label, percent) in enumerate(items)
    ]
    height = TOP * 2 + len(items) * (bar_height + gap)
    return BarChart(WIDTH, height, bars, label_width, bar_height, label_width + inner * mastery / 100)
