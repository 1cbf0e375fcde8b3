//! Unit-sphere maths shared by the index (`index.rs`) and the coverage engine (`coverage.rs`):
//! locations as points on the unit sphere, so that nearest by chord is nearest by arc, and the
//! conversions between chords and great-circle metres.

use crate::model::LatLon;
use std::f64::consts::FRAC_PI_2;

/// Mean Earth radius in metres (IUGG), the one `geo::Haversine` uses, so that chord and
/// haversine metres agree (a test in `index.rs` pins it).
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The point on the unit sphere for a location: `[x, y, z]`, x towards (0°, 0°), z north.
pub(crate) fn unit(p: LatLon) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Squared chord between two unit-sphere points.
pub(crate) fn chord_2(p: &[f64; 3], q: &[f64; 3]) -> f64 {
    let d = [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// Great-circle metres for a unit-sphere chord: `2 R asin(c / 2)`.
pub(crate) fn metres_from_chord(chord: f64) -> f64 {
    2.0 * EARTH_RADIUS_M * (chord / 2.0).clamp(0.0, 1.0).asin()
}

/// Unit-sphere chord for great-circle metres: `2 sin(d / 2R)`, 2 (the diameter) for half the
/// circumference or more.
pub(crate) fn chord_from_metres(distance_m: f64) -> f64 {
    let half_angle = distance_m / (2.0 * EARTH_RADIUS_M);
    if half_angle >= FRAC_PI_2 {
        2.0
    } else {
        2.0 * half_angle.sin()
    }
}
