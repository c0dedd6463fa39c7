"""The reference registry (DESIGN §5): the beta.gouv.fr registry imported into SQLite, and the
lookups the reference rules, the gazetteer and claim resolution use.

- `betagouv.import_betagouv(folder, db_path)`: import (CLI: `factcheck reference import-betagouv`);
- `store.load_registry(db_path)`: the `Registry` (None when nothing was imported);
- `names.normalise_name(text)`: the compact name key ("Accès Libre" = "Acceslibre").
"""
