package demo

import (
	"fmt"
	"math/rand/v2"

	"bayboard/internal/shop"
)

// model is a car the demo dealer services, with the part of its VIN that
// names it.
type model struct {
	name string
	// vds is positions 4 to 8 of the VIN (line, series, body, restraints,
	// engine). The codes follow the layout of Beijing Hyundai's VINs; they
	// are made up for the demo, not copied from a real car.
	vds string
}

// beijingHyundai is the world manufacturer identifier of Beijing Hyundai,
// which builds every model the demo dealer services.
const beijingHyundai = "LBE"

var models = []model{
	{"索纳塔 Sonata", "BF41D"}, {"途胜 Tucson", "JC81B"}, {"伊兰特 Elantra", "AD41C"}, {"名图 Mistra", "CF41D"},
	{"ix35", "JM81B"}, {"胜达 Santa Fe", "SM81E"}, {"菲斯塔 Festa", "FD41C"}, {"库斯途 Custo", "KU71E"},
	{"领动 Lafesta", "PS41C"}, {"昂希诺 Encino", "HC81B"},
}

// modelYears are the VIN's tenth character for the model years 2010 on;
// I, O, Q, U and Z are never used, nor the digit 0.
const modelYears = "ABCDEFGHJKLMNPRSTVWXY"

// newVIN returns a VIN for a car of the given model and model year, with
// its check digit, so the shop's own VIN parser accepts it. Position 11 is
// the plant; Beijing Hyundai builds in Beijing, Cangzhou and Chongqing.
func newVIN(rng *rand.Rand, m model, year int) string {
	y := year - 2010
	if y < 0 {
		y = 0
	}
	if y >= len(modelYears) {
		y = len(modelYears) - 1
	}
	plant := "BCZ"[rng.IntN(3)]
	vin := []byte(fmt.Sprintf("%s%s0%c%c%06d", beijingHyundai, m.vds, modelYears[y], plant, rng.IntN(1000000)))
	vin[8] = vinCheckDigit(vin)
	return string(vin)
}

// vinCheckDigit finds position 9 of a VIN by asking the shop's own parser,
// so the demo and the domain cannot disagree on the rule.
func vinCheckDigit(vin []byte) byte {
	try := append([]byte(nil), vin...)
	for _, c := range []byte("0123456789X") {
		try[8] = c
		if _, ok := shop.ParseVIN(string(try)); ok {
			return c
		}
	}
	// Only a letter the VIN may not hold (I, O, Q) gets here; the vehicle
	// is then refused and the seeding says so.
	return '0'
}

// modelYear guesses a car's model year from its mileage: about 20,000 km
// a year, and a car is at least a year old at its first service.
func modelYear(thisYear, mileageKM int) int {
	return thisYear - 1 - mileageKM/20000
}

// walkAroundKM is the odometer reading at reception: a little more than the
// last one the shop recorded, for the drive since.
func walkAroundKM(rng *rand.Rand, lastKM int) int {
	return lastKM + 20 + rng.IntN(480)
}
