// Package cntime parses and formats the zone-less local times Chinese payment
// providers send ("2025-11-15 14:30:00"), which are Beijing time. It uses a fixed
// UTC+8 zone rather than the tz database, so results do not depend on the host's
// zoneinfo (China has had no daylight saving since 1991).
package cntime
