from babelwire.signals.scripts import dominant_script


def test_dominant_script():
    assert dominant_script("Държавният секретар на САЩ Antony Blinken") == "cyrillic"
    assert dominant_script("Vaşinqton, ABŞ dövlət katibi") == "latin"
    assert dominant_script("美国国务卿布林肯 Blinken") == "cjk"
    assert dominant_script("東京でニュースがありました") == "cjk"
    assert dominant_script("قال وزير الخارجية Blinken") == "arabic"
    assert dominant_script("12345 !!!") is None
