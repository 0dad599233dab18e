"""Korean text for the UI: one ``ko_<area>.py`` per area, each a dict ``KO`` of English text -> Korean.

``ui.i18n.catalog()`` merges them. Keep each area's strings in its own file so people working
on different pages do not edit the same one. Placeholders (``{n}``, ``{name}``) stay as they are.
"""
