#!/usr/bin/env python3
"""Writes the legacy-encoding fixtures of src/input/encoding.rs's tests.

utf8.csv (30 participant rows taken from fixtures/participants.csv, every name representable in
TCVN3, whose only capital letters with diacritics are Ă Â Ê Ô Ơ Ư Đ) is re-encoded into
windows1258.csv, tcvn3.csv and vni.csv. The tables below are transcribed independently of the
Rust ones, and Windows-1258 uses Python's own cp1258 codec, so the Rust decoder is checked
against a second source. Run from this folder: python3 make_fixtures.py
"""
import unicodedata

TONES = {"\u0300": 0, "\u0301": 1, "\u0303": 2, "\u0309": 3, "\u0323": 4}  # grave acute tilde hook dot


def split(ch):
    """(base letter NFC, tone index or None)"""
    d = unicodedata.normalize("NFD", ch)
    tone = None
    rest = ""
    for c in d:
        if c in TONES:
            tone = TONES[c]
        else:
            rest += c
    return unicodedata.normalize("NFC", rest), tone


def cp1258(text):
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, tone = split(ch)
        out += base.encode("cp1258")
        out += "\u0300\u0301\u0303\u0309\u0323"[tone].encode("cp1258")
    return bytes(out)


# TCVN3 (ABC): base letter -> bytes for [no tone, grave, acute, tilde, hook, dot]
TCVN3 = {
    "a": [0x61, 0xB5, 0xB8, 0xB7, 0xB6, 0xB9],
    "ă": [0xA8, 0xBB, 0xBE, 0xBD, 0xBC, 0xC6],
    "â": [0xA9, 0xC7, 0xCA, 0xC9, 0xC8, 0xCB],
    "e": [0x65, 0xCC, 0xD0, 0xCF, 0xCE, 0xD1],
    "ê": [0xAA, 0xD2, 0xD5, 0xD4, 0xD3, 0xD6],
    "i": [0x69, 0xD7, 0xDD, 0xDC, 0xD8, 0xDE],
    "o": [0x6F, 0xDF, 0xE3, 0xE2, 0xE1, 0xE4],
    "ô": [0xAB, 0xE5, 0xE8, 0xE7, 0xE6, 0xE9],
    "ơ": [0xAC, 0xEA, 0xED, 0xEC, 0xEB, 0xEE],
    "u": [0x75, 0xEF, 0xF3, 0xF2, 0xF1, 0xF4],
    "ư": [0xAD, 0xF5, 0xF8, 0xF7, 0xF6, 0xF9],
    "y": [0x79, 0xFA, 0xFD, 0xFC, 0xFB, 0xFE],
}
TCVN3_SINGLE = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}
COL = {None: 0, 0: 1, 1: 2, 2: 3, 3: 4, 4: 5}


def tcvn3(text):
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
            continue
        if ch in TCVN3_SINGLE:
            out.append(TCVN3_SINGLE[ch])
            continue
        base, tone = split(ch)
        if base not in TCVN3:
            raise ValueError(f"not in TCVN3: {ch!r}")
        out.append(TCVN3[base][COL[tone]])
    return bytes(out)


# VNI Windows: lowercase mark bytes; the capital forms are 0x20 lower.
VNI_TONE = {0: 0xF8, 1: 0xF9, 2: 0xF5, 3: 0xFB, 4: 0xEF}  # grave acute tilde hook dot
VNI_CIRC = {None: 0xE2, 0: 0xE0, 1: 0xE1, 2: 0xE3, 3: 0xE5, 4: 0xE4}
VNI_BREVE = {None: 0xEA, 0: 0xE8, 1: 0xE9, 2: 0xFC, 3: 0xFA, 4: 0xEB}
VNI_I = {0: 0xEC, 1: 0xED, 2: 0xF3, 3: 0xE6, 4: 0xF2}


def vni(text):
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
            continue
        upper = ch != ch.lower()
        shift = 0x20 if upper else 0
        base, tone = split(ch.lower())
        if base == "đ":
            out.append(0xF1 - shift)
        elif base == "i":
            out.append(VNI_I[tone] - shift)
        elif base == "y" and tone == 4:
            out.append(0xEE - shift)
        elif base in ("ơ", "ư"):
            out.append((0xF4 if base == "ơ" else 0xF6) - shift)
            if tone is not None:
                out.append(VNI_TONE[tone] - shift)
        elif base in ("â", "ê", "ô"):
            out.append(ord({"â": "a", "ê": "e", "ô": "o"}[base].upper() if upper else {"â": "a", "ê": "e", "ô": "o"}[base]))
            out.append(VNI_CIRC[tone] - shift)
        elif base == "ă":
            out.append(ord("A" if upper else "a"))
            out.append(VNI_BREVE[tone] - shift)
        elif base in "aeouy" and len(base) == 1:
            out.append(ord(base.upper() if upper else base))
            out.append(VNI_TONE[tone] - shift)
        else:
            raise ValueError(f"not in VNI: {ch!r}")
    return bytes(out)


def main():
    text = open("utf8.csv", encoding="utf-8").read()
    for name, enc in (("windows1258.csv", cp1258), ("tcvn3.csv", tcvn3), ("vni.csv", vni)):
        data = enc(text)
        with open(name, "wb") as f:
            f.write(data)
        print(name, len(data), "bytes")


if __name__ == "__main__":
    main()
