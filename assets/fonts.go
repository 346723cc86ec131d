package assets

import "embed"

// Fonts holds the TrueType fonts the printing package draws documents with,
// each beside its licence, under "fonts/":
//
//   - DejaVuSans.ttf and DejaVuSans-Bold.ttf: Latin, Greek, Cyrillic and
//     symbols (Bitstream Vera licence, DejaVu changes in the public domain;
//     LICENSE-dejavu.txt);
//   - DroidSansFallbackFull.ttf: CJK ideographs and punctuation (Apache 2.0;
//     LICENSE-droid.txt).
//
// They are embedded so that a shop box with no internet and no system fonts
// still prints 京A·12345 and 张先生 correctly.
//
//go:embed fonts
var Fonts embed.FS
