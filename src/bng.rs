//! British National Grid (OSGB36 / EPSG:27700) easting and northing → WGS84 latitude and longitude.

use crate::model::LatLon;

/// Converts BNG metres to WGS84 degrees (inverse Transverse Mercator on Airy 1830, then a
/// 7-parameter Helmert OSGB36 → WGS84). Accurate to a few metres across Great Britain.
pub fn bng_to_wgs84(easting_m: f64, northing_m: f64) -> LatLon {
    let _ = (easting_m, northing_m);
    unimplemented!()
}
