// Package catalog reads the shop's catalogue as a DMS or a maker's parts
// list exports it — a CSV file (UTF-8, with or without a byte-order mark,
// or the GB18030/GBK of Chinese Windows) or an Excel .xlsx workbook — into
// labour operations and parts, with an error for each bad row naming its
// row, its column and why; and it answers searches of the catalogue by
// code, by name and by the pinyin initials of a Chinese name.
//
// It is pure: it reads bytes it is given and writes nothing; the import is
// applied by a shop command, the search index is built from a published
// state. golang.org/x/text is used here and nowhere else. It reads .xlsx
// with archive/zip and encoding/xml only.
package catalog
