#!/usr/bin/env bash
# cups.sh prepares a real CUPS print queue for the printing package's tests:
# a cups-pdf queue named "bayboard-pdf" that turns every job it receives into
# a PDF file in a fixed directory. It is idempotent: run it before
# `go test ./printing/` as often as you like.
#
#   .ci/cups.sh                 # installs if needed, starts cupsd, makes the queue
#   CI=true go test ./printing/ # the CUPS test then fails instead of skipping
#
# It prints the queue's URI and the output directory as KEY=value lines:
#   BAYBOARD_TEST_PRINTER=http://127.0.0.1:631/printers/bayboard-pdf
#   CUPS_PDF_OUT=/var/spool/cups-pdf/out
set -euo pipefail

QUEUE=${QUEUE:-bayboard-pdf}
OUT=${CUPS_PDF_OUT:-/var/spool/cups-pdf/out}
CONF=/etc/cups/cups-pdf.conf

SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
fi

# 1. Install CUPS and cups-pdf if they are missing.
if ! command -v cupsd >/dev/null 2>&1 || [ ! -e /usr/lib/cups/backend/cups-pdf ] || ! command -v lpadmin >/dev/null 2>&1; then
	$SUDO apt-get update
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y cups cups-bsd printer-driver-cups-pdf
fi

# 2. Make cups-pdf write somewhere fixed, whoever the job's user is (a
# requesting-user-name with no local account counts as anonymous), and
# prefix each file with its job id so a test can find its own.
set_conf() {
	local key=$1 value=$2
	if grep -qE "^[#[:space:]]*${key}[[:space:]]" "$CONF"; then
		$SUDO sed -i -E "0,/^[#[:space:]]*${key}[[:space:]].*/s||${key} ${value}|" "$CONF"
	else
		echo "${key} ${value}" | $SUDO tee -a "$CONF" >/dev/null
	fi
}
set_conf Out "$OUT"
set_conf AnonDirName "$OUT"
set_conf Label 2
# Readable by whoever runs the tests, not only by root.
set_conf AnonUMask 0022
set_conf UserUMask 0022
$SUDO mkdir -p "$OUT"
$SUDO chmod 1777 "$OUT"

# 3. Start the scheduler unless it is running.
if ! lpstat -r 2>/dev/null | grep -q "is running"; then
	if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
		$SUDO systemctl start cups
	else
		$SUDO cupsd
	fi
	for _ in $(seq 1 50); do
		lpstat -r 2>/dev/null | grep -q "is running" && break
		sleep 0.2
	done
fi
lpstat -r | grep -q "is running" || { echo "cups.sh: cupsd did not start" >&2; exit 1; }

# 4. Create (or refresh) the queue with the cups-pdf driver.
ppd=$(lpinfo -m 2>/dev/null | awk '/CUPS-PDF_opt/ {print $1; exit}')
if [ -z "$ppd" ]; then
	ppd=$(lpinfo -m 2>/dev/null | awk '/CUPS-PDF/ {print $1; exit}')
fi
if [ -n "$ppd" ]; then
	$SUDO lpadmin -p "$QUEUE" -E -v cups-pdf:/ -m "$ppd"
elif [ -e /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd ]; then
	$SUDO lpadmin -p "$QUEUE" -E -v cups-pdf:/ -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
else
	echo "cups.sh: no cups-pdf PPD found" >&2
	exit 1
fi
$SUDO cupsenable "$QUEUE"
$SUDO cupsaccept "$QUEUE"

echo "BAYBOARD_TEST_PRINTER=http://127.0.0.1:631/printers/$QUEUE"
echo "CUPS_PDF_OUT=$OUT"
