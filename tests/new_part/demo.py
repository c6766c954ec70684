from echoorg.common.parts import DemoOutcome


def demo(seed: int = 2026) -> DemoOutcome:
    return DemoOutcome([f"Added the new part's demo data (seed {seed})."])
