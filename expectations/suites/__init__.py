"""One module per asset key: ``raw_<family>__<table>`` for landing tables, the mart name for marts."""
