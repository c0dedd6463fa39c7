"""The reference registry (DESIGN §5): the profile's registry (beta.gouv.fr's by default) imported
into SQLite, and the lookups the reference rules, the gazetteer and claim resolution use.

- `profiles.import_registry(folder, db_path)`: import (CLI: `factcheck reference import`);
- `store.load_registry(db_path)`: the `Registry` (None when nothing was imported);
- `names.normalise_name(text)`: the compact name key ("Accès Libre" = "Acceslibre").
"""
