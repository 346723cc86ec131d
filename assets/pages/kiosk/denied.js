// The refusal page of a bad code: the server wrote its words. On a kiosk
// the scanner keeps working, so the next good code opens its page.

import { listenForScans } from "./kiosk.js";

listenForScans((scan) => location.assign(scan.path));
