"""Simplified Chinese formats that differ from Django's.

A form renders a date with the first of DATE_INPUT_FORMATS. Django's zh_Hans list starts with "%Y/%m/%d", so every
`<input type="date">` without its own format got "2026/12/03", which the browser's date picker drops as invalid:
the default value vanished. ISO comes first here, so all date inputs are written YYYY-MM-DD whatever the widget;
the other spellings are still read from typed or imported text. (Django's "%Y年%n月%j日" is not a valid strptime
pattern; "%Y年%m月%d日" reads 2026年12月3日 as well as 2026年12月03日.)
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-03', what <input type="date"> sends and expects
    "%Y/%m/%d",  # '2026/12/03'
    "%Y年%m月%d日",  # '2026年12月3日'
]
