// Wall-clock date and time in an IANA zone <-> instants, with nothing but Intl.
const partsFormat = new Map();

function wallClock(instant, zone) {
  if (!partsFormat.has(zone)) {
    partsFormat.set(zone, new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    }));
  }
  const parts = Object.fromEntries(partsFormat.get(zone).formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`,
    utc: Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) };
}

/** The instant (ISO, UTC) at which the zone's clocks show this date and time. */
export function zonedToInstant(date, time, zone) {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  let instant = guess - (wallClock(guess, zone).utc - guess);
  // Near a DST change the first guess used the other side's offset.
  instant = guess - (wallClock(instant, zone).utc - instant);
  return new Date(instant).toISOString();
}

/** The zone's date and time (yyyy-MM-dd, HH:mm) at an instant. */
export function instantToZoned(iso, zone) {
  const { date, time } = wallClock(new Date(iso).getTime(), zone);
  return { date, time };
}

export function isZone(zone) {
  try { new Intl.DateTimeFormat('en-US', { timeZone: zone }); return true; } catch { return false; }
}

export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
export const allZones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [browserZone, 'UTC'];
