#!/usr/bin/env python
from tidings.cli import main

if __name__ == "__main__":
    main()
