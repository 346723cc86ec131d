// Package printing draws the shop's paper: the job card (任务委托书), the
// seat-position label, the estimate stamped "费用和时间预估", the settlement
// stamped "费用解释和洗车满意度确认" with its exit-pass stub, bay QR posters
// and technician badges, each as a PDF with a QR code back to the job; and
// it sends PDFs to an IPP printer or CUPS queue. It is the only package that
// imports gofpdf and go-qrcode, and it owns mixed-script text: each document
// embeds one small font per weight, merged from DejaVu Sans (Latin) and
// Droid Sans Fallback (CJK) by glyph coverage, so 京A·12345 and "Oil filter
// 机油滤清器" print right. Its inputs are plain structs the caller fills from
// the domain. It must not read the store or the network (other than the
// printer it is told to send to), takes the print time from its input rather
// than the clock, must not decide who may see a document (the caller checks
// permissions and redacts), and keeps every document independent: concurrent
// prints share nothing mutable but the parsed fonts' glyph cache.
package printing
