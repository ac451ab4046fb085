"""`yishi demo`: a realistic sample village and one land-lease matter, end to end.

- :mod:`yishi.demo.village` generates the village from a seed (people,
  households, 村民小组, the Party branch, the two committees, the
  representative assembly) so that it satisfies the rule set's composition rules;
- :mod:`yishi.demo.story` writes the matter's dated steps;
- :mod:`yishi.demo.run` plays them on the SQLite store and writes the outputs.
"""

from yishi.demo.run import DemoError, DemoResult, run_demo
from yishi.demo.village import Village, generate_village

__all__ = ["DemoError", "DemoResult", "Village", "generate_village", "run_demo"]
