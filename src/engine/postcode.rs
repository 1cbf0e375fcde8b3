//! Offline postcode lookup from postcode *area* shards.
//!
//! # Why one file per postcode area
//!
//! The page must place a child's home postcode on the map without telling anyone where the
//! child lives. It cannot ship every postcode in England up front (1.49 million units), and it
//! must not ask a geocoding service. So the units are split into one static file per postcode
//! **area**, the leading letters of the postcode (`LS` of `LS6 2AB`, `SW` of `SW1A 1AA`), named
//! by [`shard_file_name`] (`LS.bin`). To look up `LS6 2AB` the page fetches `LS.bin` and searches
//! it on the device. The request reveals only the area letters: `LS` covers Leeds and a large
//! part of West Yorkshire, about 22,000 postcode units. The outward code (`LS6`), the sector and
//! the unit never leave the device. A small [`AreaIndex`] (`index.json`, the same for everyone)
//! lists the areas there are, so that a postcode outside England's data gets a clear answer
//! without a request that would reveal its area.
//!
//! # What a shard holds
//!
//! For one area: every postcode unit in England with a position (OS Code-Point Open), grouped
//! by district (outward code), with its WGS84 location and education authority; the centroid
//! of every sector (`LS6 2`) and district (`LS6`) with the authority most of its units are in;
//! and the units and districts of the area that lie in Wales or Scotland, so that a Welsh
//! postcode near the border is not placed at the centre of an English sector.
//!
//! # File format (schema version 1)
//!
//! All integers little-endian. Header:
//!
//! | bytes | what |
//! |---|---|
//! | 4 | magic `PFPC` |
//! | 2 | schema version, `u16` ([`SCHEMA_VERSION`]) |
//! | 1 + n | area: length, ASCII letters |
//! | 1 + n | data date: length, ASCII (e.g. `2025-10`) |
//! | 4 × 4 | counts: districts, sectors, units, units outside England (`u32` each) |
//! | 4 | payload length in bytes (`u32`) |
//! | 4 | CRC32 (IEEE) of the payload |
//!
//! Payload: a table of the DfE LA codes used (count, then each code; varints), then each
//! district in outcode order: its outcode without the area letters (length byte + ASCII), a flags
//! byte (bit 0: has a centroid; high nibble: [`Jurisdiction`] code when the whole district is
//! outside England), the numbers of sectors, units and outside-England units (varints), then the
//! centroid, the sectors, the units and the outside-England units.
//!
//! Coordinates are quantised to 1e-5 degree (≈ 1.1 m north–south, 0.7 m east–west) and written as
//! zigzag varint differences from the previous coordinate in the file, so neighbouring units
//! cost a byte or two each. An LA is a varint reference into the table (0 = none). Inward codes
//! (`2AB`) are packed into a number in text order and written as the gap from the previous one, so
//! units are sorted by construction; a unit's LA is written only when it differs from its
//! sector's (a flag in the gap's low bit). A unit costs about 5 bytes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};
use crate::limits::{MAX_AREA_INDEX_BYTES, MAX_SHARD_BYTES};
use crate::model::{area_of, LaCode, LatLon, Postcode, PostcodeFix, PostcodePrecision};

/// The version of the shard format and of the [`AreaIndex`]. A file of another version is
/// rejected with [`Error::WrongVersion`].
pub const SCHEMA_VERSION: u16 = 1;

/// The first four bytes of every shard.
pub const MAGIC: [u8; 4] = *b"PFPC";

/// The name of the [`AreaIndex`] file, next to the shards (`data/postcodes/index.json`).
pub const AREA_INDEX_FILE_NAME: &str = "index.json";

/// Quantisation steps per degree: coordinates are stored to 1e-5 degree.
const STEPS_PER_DEGREE: f64 = 100_000.0;

/// Inward codes run from `0AA` to `9ZZ`: 10 × 26 × 26 values.
pub(crate) const INWARD_CODES: u16 = 10 * 26 * 26;

/// The file a page fetches for a postcode area: `"LS.bin"` for `LS`.
///
/// Fetching it tells the server the area letters and nothing more (see the
/// [module documentation](self)).
///
/// ```
/// use placement_finder::engine::postcode::shard_file_name;
/// use placement_finder::Postcode;
///
/// let home = Postcode::parse("ls6 2ab").unwrap();
/// assert_eq!(shard_file_name(home.area()), "LS.bin");
/// ```
pub fn shard_file_name(area: &str) -> String {
    format!("{}.bin", area.to_ascii_uppercase())
}

/// The inward code of a postcode (`2AB` of `LS6 2AB`), packed into a `u16` whose order is the
/// text order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InwardCode(u16);

impl InwardCode {
    /// Parses `2AB` (upper case, as in a normalised [`Postcode`]).
    pub fn parse(text: &str) -> Option<InwardCode> {
        match text.as_bytes() {
            &[d, a, b] if d.is_ascii_digit() && a.is_ascii_uppercase() && b.is_ascii_uppercase() => {
                let value = u16::from(d - b'0') * 676 + u16::from(a - b'A') * 26 + u16::from(b - b'A');
                Some(InwardCode(value))
            }
            _ => None,
        }
    }

    /// The packed value, `0..6760`.
    pub fn packed(self) -> u16 {
        self.0
    }

    fn from_packed(value: u64) -> Option<InwardCode> {
        u16::try_from(value).ok().filter(|v| *v < INWARD_CODES).map(InwardCode)
    }

    /// The sector digit: `2` of `2AB`.
    pub fn sector_digit(self) -> u8 {
        (self.0 / 676) as u8
    }
}

impl fmt::Display for InwardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = (self.0 / 676) as u8;
        let a = ((self.0 / 26) % 26) as u8;
        let b = (self.0 % 26) as u8;
        write!(f, "{}{}{}", (b'0' + d) as char, (b'A' + a) as char, (b'A' + b) as char)
    }
}

/// Where a UK-style postcode is when it is not in England.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Jurisdiction {
    Wales,
    Scotland,
    NorthernIreland,
    IsleOfMan,
    Jersey,
    Guernsey,
}

impl Jurisdiction {
    const ALL: [Jurisdiction; 6] = [
        Jurisdiction::Wales,
        Jurisdiction::Scotland,
        Jurisdiction::NorthernIreland,
        Jurisdiction::IsleOfMan,
        Jurisdiction::Jersey,
        Jurisdiction::Guernsey,
    ];

    /// As it reads after "is in": `Wales`, `the Isle of Man`.
    pub fn name(self) -> &'static str {
        match self {
            Jurisdiction::Wales => "Wales",
            Jurisdiction::Scotland => "Scotland",
            Jurisdiction::NorthernIreland => "Northern Ireland",
            Jurisdiction::IsleOfMan => "the Isle of Man",
            Jurisdiction::Jersey => "Jersey",
            Jurisdiction::Guernsey => "Guernsey",
        }
    }

    /// From an ONS country code (`W92000004`, `S92000003`, `N92000002`); `None` for England's
    /// `E92000001` and anything else.
    pub fn from_country_code(code: &str) -> Option<Jurisdiction> {
        match code {
            "W92000004" => Some(Jurisdiction::Wales),
            "S92000003" => Some(Jurisdiction::Scotland),
            "N92000002" => Some(Jurisdiction::NorthernIreland),
            _ => None,
        }
    }

    /// Code in the shard format, `1..=6` (0 means "in England").
    fn code(self) -> u8 {
        self as u8 + 1
    }

    fn from_code(code: u64) -> Option<Jurisdiction> {
        Jurisdiction::ALL.get(usize::try_from(code).ok()?.checked_sub(1)?).copied()
    }
}

/// A located point with the education authority it is in (for a centroid: the authority most
/// of its units are in).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    pub location: LatLon,
    /// `None` when the unit's county/district code maps to no English education authority.
    pub la: Option<LaCode>,
}

/// The centroid of a postcode sector (`LS6 2`: district `LS6`, digit 2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sector {
    pub digit: u8,
    pub centroid: Place,
}

/// One postcode unit in England.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    pub inward: InwardCode,
    pub location: LatLon,
    pub la: Option<LaCode>,
}

/// A postcode unit of this area that is not in England.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutsideUnit {
    pub inward: InwardCode,
    pub jurisdiction: Jurisdiction,
}

/// The postcodes of one district (outward code, e.g. `LS6`).
#[derive(Clone, Debug, PartialEq)]
pub struct District {
    /// `LS6`.
    pub outcode: String,
    /// Mean position of its units in England; `None` when it has none.
    pub centroid: Option<Place>,
    /// Sorted by digit.
    pub sectors: Vec<Sector>,
    /// Units in England, sorted by inward code.
    pub units: Vec<Unit>,
    /// Its units in Wales or Scotland, when it also has units in England.
    pub outside_england: Vec<OutsideUnit>,
    /// Set when none of its units is in England: where they are.
    pub wholly_outside: Option<Jurisdiction>,
}

impl District {
    /// A district in England with its centroids computed from `units`: the mean latitude and
    /// longitude, and the authority most units are in (ties to the lower code). For hand-made
    /// shards; the importer averages eastings and northings instead (the same to centimetres).
    pub fn from_units(outcode: &str, units: Vec<Unit>) -> District {
        let centroid = centroid_of(&units);
        let mut sectors = Vec::new();
        for digit in 0..10 {
            let in_sector: Vec<Unit> = units.iter().copied().filter(|u| u.inward.sector_digit() == digit).collect();
            if let Some(centroid) = centroid_of(&in_sector) {
                sectors.push(Sector { digit, centroid });
            }
        }
        District {
            outcode: outcode.to_string(),
            centroid,
            sectors,
            units,
            outside_england: Vec::new(),
            wholly_outside: None,
        }
    }
}

fn centroid_of(units: &[Unit]) -> Option<Place> {
    if units.is_empty() {
        return None;
    }
    let n = units.len() as f64;
    let lat = units.iter().map(|u| u.location.lat).sum::<f64>() / n;
    let lon = units.iter().map(|u| u.location.lon).sum::<f64>() / n;
    Some(Place { location: LatLon::new(lat, lon)?, la: majority(units.iter().map(|u| u.la)).flatten() })
}

/// The most frequent value, `None` when there are none; ties go to the smallest, so that the
/// result never depends on input order.
pub(crate) fn majority<T: Ord + Copy>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut sorted: Vec<T> = values.into_iter().collect();
    sorted.sort_unstable();
    let mut best: Option<(usize, T)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(n, _)| run.len() > n) {
            best = Some((run.len(), run[0]));
        }
    }
    best.map(|(_, value)| value)
}

/// Every postcode of one area: see the [module documentation](self).
#[derive(Clone, Debug, PartialEq)]
pub struct PostcodeShard {
    area: String,
    data_date: String,
    districts: Vec<District>,
}

impl PostcodeShard {
    /// Checks and normalises a shard: sorts districts, units and sectors; rounds every location
    /// to the stored precision (1e-5 degree), so that `decode(encode(s)) == s`. Errors on an
    /// outcode of another area, duplicates, a unit listed both in and outside England, or a
    /// district with units in England marked wholly outside.
    pub fn new(area: &str, data_date: &str, mut districts: Vec<District>) -> Result<PostcodeShard> {
        districts.sort_by(|a, b| a.outcode.cmp(&b.outcode));
        for d in &mut districts {
            d.sectors.sort_by_key(|s| s.digit);
            d.units.sort_by_key(|u| u.inward);
            d.outside_england.sort_by_key(|u| u.inward);
        }
        PostcodeShard::from_sorted(area, data_date, districts)
    }

    /// [`new`](Self::new) for districts, sectors and units already in order (as a shard file
    /// holds them): checks the order instead of sorting, so that reading a shard in the page
    /// carries no sort. Something out of order is an [`Error::Corrupt`] that names it.
    fn from_sorted(area: &str, data_date: &str, mut districts: Vec<District>) -> Result<PostcodeShard> {
        let what = || format!("postcode shard {area}");
        check_area(area).map_err(|reason| Error::corrupt(what(), reason))?;
        if data_date.len() > 255 || !data_date.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            return Err(Error::corrupt(what(), format!("data date {data_date:?} is not short printable ASCII")));
        }
        if let Some(w) = districts.windows(2).find(|w| w[0].outcode >= w[1].outcode) {
            let reason = if w[0].outcode == w[1].outcode {
                format!("district {} is listed twice", w[0].outcode)
            } else {
                format!("district {} comes after {}: the districts are out of order", w[1].outcode, w[0].outcode)
            };
            return Err(Error::corrupt(what(), reason));
        }
        let mut units = 0usize;
        for d in &mut districts {
            normalise_district(area, d).map_err(|reason| Error::corrupt(what(), reason))?;
            units += d.units.len() + d.outside_england.len();
        }
        if u32::try_from(units).is_err() {
            return Err(Error::corrupt(what(), "too many units for one shard"));
        }
        Ok(PostcodeShard { area: area.to_string(), data_date: data_date.to_string(), districts })
    }

    /// The postcode area, e.g. `LS`.
    pub fn area(&self) -> &str {
        &self.area
    }

    /// The date of the postcode data, e.g. `2025-10`.
    pub fn data_date(&self) -> &str {
        &self.data_date
    }

    /// Every district, sorted by outcode (text order: `LS1`, `LS10`, `LS2`).
    pub fn districts(&self) -> &[District] {
        &self.districts
    }

    /// The district with this outcode (`LS6`).
    pub fn district(&self, outcode: &str) -> Option<&District> {
        self.districts.binary_search_by(|d| d.outcode.as_str().cmp(outcode)).ok().map(|i| &self.districts[i])
    }

    /// Units in England.
    pub fn unit_count(&self) -> usize {
        self.districts.iter().map(|d| d.units.len()).sum()
    }

    /// Sectors with a centroid.
    pub fn sector_count(&self) -> usize {
        self.districts.iter().map(|d| d.sectors.len()).sum()
    }

    /// Units of this area outside England (listed in districts that also have English units).
    pub fn outside_unit_count(&self) -> usize {
        self.districts.iter().map(|d| d.outside_england.len()).sum()
    }

    /// Places a postcode of this shard's area.
    ///
    /// The unit itself ([`PostcodePrecision::Unit`]); else, for a postcode not in the data (new,
    /// retired, or without coordinates), the centroid of its sector ([`PostcodePrecision::Sector`]),
    /// else of its district ([`PostcodePrecision::Outcode`]). Where a postcode is outside England
    /// is decided at the narrowest level the data has: the unit, else its sector when none of the
    /// sector's units is in England, else its district when none of the district's is (the area
    /// when none of the area's is: [`AreaIndex::locate`]). So a made-up unit in an English
    /// sector of a border district is placed in England, never said to be in Wales. Errors:
    /// [`Error::OutsideEngland`] for a unit, sector or district in Wales or Scotland;
    /// [`Error::UnknownPostcode`] when not even the district is known; [`Error::InvalidQuery`] for a postcode of another area (a caller bug:
    /// fetch its own shard).
    ///
    /// ```
    /// use placement_finder::engine::postcode::{District, InwardCode, PostcodeShard, Unit};
    /// use placement_finder::{LaCode, LatLon, Postcode, PostcodePrecision};
    ///
    /// let unit = Unit {
    ///     inward: InwardCode::parse("2AB").unwrap(),
    ///     location: LatLon::new(53.81724, -1.56146).unwrap(),
    ///     la: Some(LaCode(383)),
    /// };
    /// let shard = PostcodeShard::new("LS", "2025-10", vec![District::from_units("LS6", vec![unit])]).unwrap();
    /// let shard = PostcodeShard::decode(&shard.encode()).unwrap();
    ///
    /// let fix = shard.lookup(&Postcode::parse("ls62ab").unwrap()).unwrap();
    /// assert_eq!((fix.precision, fix.la), (PostcodePrecision::Unit, Some(LaCode(383))));
    /// let near = shard.lookup(&Postcode::parse("LS6 2ZZ").unwrap()).unwrap();
    /// assert_eq!(near.precision, PostcodePrecision::Sector);
    /// ```
    pub fn lookup(&self, postcode: &Postcode) -> Result<PostcodeFix> {
        if postcode.area() != self.area {
            return Err(Error::invalid(
                "postcode",
                format!(
                    "{postcode} is in postcode area {}, but this is the shard of area {}: look it up in {}",
                    postcode.area(),
                    self.area,
                    shard_file_name(postcode.area())
                ),
            ));
        }
        let unknown = || Error::UnknownPostcode { postcode: postcode.to_string() };
        let outside =
            |j: Jurisdiction| Error::OutsideEngland { postcode: postcode.to_string(), place: j.name().to_string() };
        let fix = |place: Place, precision| PostcodeFix {
            postcode: postcode.clone(),
            location: place.location,
            precision,
            la: place.la,
        };
        let (Some(district), Some(inward)) = (self.district(postcode.outcode()), InwardCode::parse(postcode.inward()))
        else {
            return Err(unknown());
        };
        if let Ok(i) = district.units.binary_search_by_key(&inward, |u| u.inward) {
            let unit = &district.units[i];
            return Ok(fix(Place { location: unit.location, la: unit.la }, PostcodePrecision::Unit));
        }
        if let Ok(i) = district.outside_england.binary_search_by_key(&inward, |u| u.inward) {
            return Err(outside(district.outside_england[i].jurisdiction));
        }
        if let Some(j) = district.wholly_outside {
            return Err(outside(j));
        }
        let digit = inward.sector_digit();
        if let Some(sector) = district.sectors.iter().find(|s| s.digit == digit) {
            return Ok(fix(sector.centroid, PostcodePrecision::Sector));
        }
        // A sector with no unit in England but units in Wales or Scotland (NP7 5, SY21 7, TD9 8
        // in districts that cross the border) is there: not the centre of the English part.
        let sector_outside = district.outside_england.iter().filter(|u| u.inward.sector_digit() == digit);
        if let Some(j) = majority(sector_outside.map(|u| u.jurisdiction)) {
            return Err(outside(j));
        }
        match district.centroid {
            Some(centroid) => Ok(fix(centroid, PostcodePrecision::Outcode)),
            None => Err(unknown()),
        }
    }

    /// The shard file: see the [module documentation](self) for the layout.
    pub fn encode(&self) -> Vec<u8> {
        let las: Vec<u16> = {
            let mut codes: Vec<u16> = self
                .districts
                .iter()
                .flat_map(|d| {
                    let centroids = d.centroid.iter().chain(d.sectors.iter().map(|s| &s.centroid)).map(|p| p.la);
                    centroids.chain(d.units.iter().map(|u| u.la))
                })
                .flatten()
                .map(|c| c.0)
                .collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        };
        let la_ref = |la: Option<LaCode>| -> u64 {
            // Every code is in the table by construction; `None` is reference 0.
            la.and_then(|c| las.binary_search(&c.0).ok()).map_or(0, |i| i as u64 + 1)
        };

        let mut out = Writer::default();
        out.varint(las.len() as u64);
        for code in &las {
            out.varint(u64::from(*code));
        }
        let mut cursor = Cursor::default();
        for d in &self.districts {
            let suffix = d.outcode.strip_prefix(self.area.as_str()).unwrap_or(&d.outcode);
            out.byte(suffix.len() as u8);
            out.bytes(suffix.as_bytes());
            let flags = u8::from(d.centroid.is_some()) | (d.wholly_outside.map_or(0, Jurisdiction::code) << 4);
            out.byte(flags);
            out.varint(d.sectors.len() as u64);
            out.varint(d.units.len() as u64);
            out.varint(d.outside_england.len() as u64);
            if let Some(c) = d.centroid {
                cursor.write(&mut out, c.location);
                out.varint(la_ref(c.la));
            }
            let mut sector_la = [None; 10];
            let mut previous_digit: Option<u8> = None;
            for s in &d.sectors {
                out.varint(u64::from(gap(previous_digit.map(u16::from), u16::from(s.digit))));
                previous_digit = Some(s.digit);
                cursor.write(&mut out, s.centroid.location);
                out.varint(la_ref(s.centroid.la));
                sector_la[usize::from(s.digit)] = s.centroid.la;
            }
            let mut previous: Option<u16> = None;
            for u in &d.units {
                let differs = u.la != sector_la[usize::from(u.inward.sector_digit())];
                out.varint(u64::from(gap(previous, u.inward.0)) << 1 | u64::from(differs));
                previous = Some(u.inward.0);
                cursor.write(&mut out, u.location);
                if differs {
                    out.varint(la_ref(u.la));
                }
            }
            let mut previous: Option<u16> = None;
            for u in &d.outside_england {
                out.varint(u64::from(gap(previous, u.inward.0)) << 3 | u64::from(u.jurisdiction.code()));
                previous = Some(u.inward.0);
            }
        }
        let payload = out.0;

        let mut file = Vec::with_capacity(payload.len() + 48);
        file.extend_from_slice(&MAGIC);
        file.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
        file.push(self.area.len() as u8);
        file.extend_from_slice(self.area.as_bytes());
        file.push(self.data_date.len() as u8);
        file.extend_from_slice(self.data_date.as_bytes());
        let counts = [self.districts.len(), self.sector_count(), self.unit_count(), self.outside_unit_count()];
        for count in counts {
            file.extend_from_slice(&(count as u32).to_le_bytes());
        }
        file.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        file.extend_from_slice(&crate::codec::crc32(&payload).to_le_bytes());
        file.extend_from_slice(&payload);
        file
    }

    /// Reads a shard file. Never panics: anything that is not an intact shard of this schema
    /// version is an [`Error::Corrupt`] that says what it looks like instead (an HTML page, a
    /// truncated download, a damaged file), or [`Error::WrongVersion`].
    ///
    /// A file over [`MAX_SHARD_BYTES`] is refused unread, and no
    /// count in a header reserves more memory than the bytes present can fill.
    pub fn decode(bytes: &[u8]) -> Result<PostcodeShard> {
        const WHAT: &str = "postcode shard";
        crate::limits::check_size(WHAT, bytes.len() as u64, MAX_SHARD_BYTES as u64, "MAX_SHARD_BYTES")?;
        if bytes.is_empty() {
            return Err(Error::corrupt(WHAT, "the file is empty"));
        }
        if !bytes.starts_with(&MAGIC) {
            let reason = if MAGIC.starts_with(bytes) {
                format!("truncated: only {} bytes (an interrupted download?)", bytes.len())
            } else {
                describe_foreign(bytes, "a postcode shard", "\"PFPC\"")
            };
            return Err(Error::corrupt(WHAT, reason));
        }
        let mut r = Reader::new(bytes, MAGIC.len());
        let truncated = |r: &Reader| {
            Error::corrupt(
                WHAT,
                format!("truncated: the header ends early, after {} bytes (an interrupted download?)", r.bytes.len()),
            )
        };
        let version = r.u16_le().ok_or_else(|| truncated(&r))?;
        if version != SCHEMA_VERSION {
            return Err(Error::WrongVersion { what: WHAT.to_string(), expected: SCHEMA_VERSION, found: version });
        }
        let area = r.short_text().ok_or_else(|| truncated(&r))?;
        let area = area.to_string();
        check_area(&area).map_err(|reason| Error::corrupt(WHAT, format!("header: {reason}")))?;
        let what = format!("{WHAT} {area}");
        let data_date = r.short_text().ok_or_else(|| truncated(&r))?.to_string();
        let mut header = [0u32; 6];
        for field in &mut header {
            *field = r.u32_le().ok_or_else(|| truncated(&r))?;
        }
        let [districts, sectors, units, outside, payload_len, crc] = header;
        let payload = &bytes[r.pos..];
        let payload_len = payload_len as usize;
        if payload.len() < payload_len {
            return Err(Error::corrupt(
                what,
                format!(
                    "truncated: the header promises {payload_len} bytes of postcodes, the file has {} (an interrupted download?)",
                    payload.len()
                ),
            ));
        }
        if payload.len() > payload_len {
            return Err(Error::corrupt(
                what,
                format!("{} unexpected bytes after the end", payload.len() - payload_len),
            ));
        }
        let found_crc = crate::codec::crc32(payload);
        if found_crc != crc {
            return Err(Error::corrupt(
                what,
                format!("checksum mismatch (header {crc:08x}, contents {found_crc:08x}): the file is damaged"),
            ));
        }
        let expected = Counts { districts, sectors, units, outside };
        let decoded =
            decode_payload(&area, payload, expected).map_err(|reason| Error::corrupt(what.clone(), reason))?;
        PostcodeShard::from_sorted(&area, &data_date, decoded).map_err(|e| match e {
            Error::Corrupt { reason, .. } => Error::corrupt(what, reason),
            other => other,
        })
    }
}

/// The counts a shard header declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counts {
    districts: u32,
    sectors: u32,
    units: u32,
    outside: u32,
}

fn decode_payload(area: &str, payload: &[u8], expected: Counts) -> std::result::Result<Vec<District>, String> {
    let mut r = Reader::new(payload, 0);
    let ends = |r: &Reader, reading: &str| format!("the contents end early at byte {} while reading {reading}", r.pos);

    let la_count = r.varint().ok_or_else(|| ends(&r, "the LA table"))?;
    let mut las = Vec::with_capacity(cap(la_count, &r));
    for _ in 0..la_count {
        let code = r.varint().ok_or_else(|| ends(&r, "the LA table"))?;
        las.push(LaCode(u16::try_from(code).map_err(|_| format!("LA code {code} is out of range"))?));
    }
    let la = |reference: u64| -> std::result::Result<Option<LaCode>, String> {
        match reference {
            0 => Ok(None),
            k => las
                .get(usize::try_from(k - 1).unwrap_or(usize::MAX))
                .copied()
                .map(Some)
                .ok_or_else(|| format!("LA reference {k} is outside the table of {}", las.len())),
        }
    };

    let mut found = Counts { districts: 0, sectors: 0, units: 0, outside: 0 };
    let mut districts = Vec::with_capacity(cap(u64::from(expected.districts), &r));
    let mut cursor = Cursor::default();
    while found.districts < expected.districts {
        found.districts += 1;
        let suffix = r.short_text().ok_or_else(|| ends(&r, "a district name"))?;
        let outcode = format!("{area}{suffix}");
        let context = |what: &str| format!("{what} of {outcode}");
        let flags = r.byte().ok_or_else(|| ends(&r, &context("the flags")))?;
        if flags & 0x0e != 0 {
            return Err(format!("unknown flags {flags:#04x} on {outcode}"));
        }
        let wholly_outside = match flags >> 4 {
            0 => None,
            code => Some(
                Jurisdiction::from_code(u64::from(code))
                    .ok_or_else(|| format!("unknown place code {code} on {outcode}"))?,
            ),
        };
        let n_sectors = r.varint().ok_or_else(|| ends(&r, &context("the counts")))?;
        let n_units = r.varint().ok_or_else(|| ends(&r, &context("the counts")))?;
        let n_outside = r.varint().ok_or_else(|| ends(&r, &context("the counts")))?;
        let centroid = if flags & 1 == 1 {
            let location = cursor.read(&mut r).ok_or_else(|| ends(&r, &context("the centroid")))??;
            let la = la(r.varint().ok_or_else(|| ends(&r, &context("the centroid")))?)?;
            Some(Place { location, la })
        } else {
            None
        };

        let mut sectors = Vec::with_capacity(cap(n_sectors, &r));
        let mut sector_la = [None; 10];
        let mut previous: Option<u16> = None;
        for _ in 0..n_sectors {
            let step = r.varint().ok_or_else(|| ends(&r, &context("the sectors")))?;
            let digit =
                ungap(previous, step).filter(|d| *d < 10).ok_or_else(|| format!("bad sector digit in {outcode}"))?;
            previous = Some(digit);
            let location = cursor.read(&mut r).ok_or_else(|| ends(&r, &context("the sectors")))??;
            let la = la(r.varint().ok_or_else(|| ends(&r, &context("the sectors")))?)?;
            sector_la[usize::from(digit)] = la;
            sectors.push(Sector { digit: digit as u8, centroid: Place { location, la } });
        }

        let mut units = Vec::with_capacity(cap(n_units, &r));
        let mut previous: Option<u16> = None;
        for _ in 0..n_units {
            let value = r.varint().ok_or_else(|| ends(&r, &context("the units")))?;
            let inward = ungap(previous, value >> 1)
                .and_then(|v| InwardCode::from_packed(u64::from(v)))
                .ok_or_else(|| format!("bad inward code in {outcode}"))?;
            previous = Some(inward.0);
            let location = cursor.read(&mut r).ok_or_else(|| ends(&r, &context("the units")))??;
            let la = if value & 1 == 1 {
                la(r.varint().ok_or_else(|| ends(&r, &context("the units")))?)?
            } else {
                sector_la[usize::from(inward.sector_digit())]
            };
            units.push(Unit { inward, location, la });
        }

        let mut outside_england = Vec::with_capacity(cap(n_outside, &r));
        let mut previous: Option<u16> = None;
        for _ in 0..n_outside {
            let value = r.varint().ok_or_else(|| ends(&r, &context("the units outside England")))?;
            let inward = ungap(previous, value >> 3)
                .and_then(|v| InwardCode::from_packed(u64::from(v)))
                .ok_or_else(|| format!("bad inward code outside England in {outcode}"))?;
            previous = Some(inward.0);
            let jurisdiction =
                Jurisdiction::from_code(value & 7).ok_or_else(|| format!("bad place code in {outcode}"))?;
            outside_england.push(OutsideUnit { inward, jurisdiction });
        }

        // Cannot overflow: each count was read from the remaining bytes, at least a byte each.
        found.sectors = found.sectors.saturating_add(sectors.len() as u32);
        found.units = found.units.saturating_add(units.len() as u32);
        found.outside = found.outside.saturating_add(outside_england.len() as u32);
        districts.push(District { outcode, centroid, sectors, units, outside_england, wholly_outside });
    }
    if r.pos != payload.len() {
        return Err(format!("{} unexpected bytes after the last district", payload.len() - r.pos));
    }
    if found != expected {
        return Err(format!("the header counts {expected:?}, the contents hold {found:?}"));
    }
    Ok(districts)
}

/// A capacity to reserve for `count` items that each take at least one byte: never more than
/// the bytes left, so a forged count cannot exhaust memory.
fn cap(count: u64, r: &Reader) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX).min(r.bytes.len() - r.pos)
}

/// Gap between strictly increasing values: the first is written as is, each later one as the
/// distance from the previous minus one, so a decoded sequence is strictly increasing.
fn gap(previous: Option<u16>, value: u16) -> u16 {
    match previous {
        None => value,
        Some(p) => value - p - 1,
    }
}

fn ungap(previous: Option<u16>, step: u64) -> Option<u16> {
    let step = u16::try_from(step).ok()?;
    match previous {
        None => Some(step),
        Some(p) => p.checked_add(step)?.checked_add(1),
    }
}

fn check_area(area: &str) -> std::result::Result<(), String> {
    let ok = (1..=2).contains(&area.len()) && area.bytes().all(|b| b.is_ascii_uppercase());
    if ok {
        Ok(())
    } else {
        Err(format!("{area:?} is not a postcode area (one or two capital letters)"))
    }
}

fn normalise_district(area: &str, d: &mut District) -> std::result::Result<(), String> {
    let outcode = d.outcode.clone();
    if Postcode::parse(&format!("{outcode} 0AA")).map(|p| p.outcode() == outcode).unwrap_or(false) {
        if area_of(&outcode) != area {
            return Err(format!("district {outcode} is not in postcode area {area}"));
        }
    } else {
        return Err(format!("{outcode:?} is not an outward code"));
    }
    let place = |p: &mut Place| -> std::result::Result<(), String> {
        p.location = quantise(p.location).ok_or_else(|| format!("a centroid in {outcode} has no valid location"))?;
        Ok(())
    };
    if let Some(c) = &mut d.centroid {
        place(c)?;
    }
    // In order (sorted by `PostcodeShard::new`, or as a shard file holds them): checked, not sorted.
    for s in &mut d.sectors {
        if s.digit > 9 {
            return Err(format!("sector digit {} in {outcode}", s.digit));
        }
        place(&mut s.centroid)?;
    }
    if let Some(w) = d.sectors.windows(2).find(|w| w[0].digit >= w[1].digit) {
        return Err(if w[0].digit == w[1].digit {
            format!("sector {outcode} {} is listed twice", w[0].digit)
        } else {
            format!(
                "sector {outcode} {} comes after {outcode} {}: the sectors are out of order",
                w[1].digit, w[0].digit
            )
        });
    }
    for u in &mut d.units {
        u.location = quantise(u.location).ok_or_else(|| format!("{outcode} {} has no valid location", u.inward))?;
    }
    if let Some(w) = d.units.windows(2).find(|w| w[0].inward >= w[1].inward) {
        return Err(if w[0].inward == w[1].inward {
            format!("{outcode} {} is listed twice", w[0].inward)
        } else {
            format!("{outcode} {} comes after {outcode} {}: the units are out of order", w[1].inward, w[0].inward)
        });
    }
    if let Some(w) = d.outside_england.windows(2).find(|w| w[0].inward >= w[1].inward) {
        return Err(if w[0].inward == w[1].inward {
            format!("{outcode} {} is listed twice outside England", w[0].inward)
        } else {
            format!(
                "{outcode} {} comes after {outcode} {}: the units outside England are out of order",
                w[1].inward, w[0].inward
            )
        });
    }
    if let Some(u) = d.outside_england.iter().find(|o| d.units.binary_search_by_key(&o.inward, |u| u.inward).is_ok()) {
        return Err(format!("{outcode} {} is listed both in and outside England", u.inward));
    }
    if d.wholly_outside.is_some() && !d.units.is_empty() {
        return Err(format!("district {outcode} has units in England but is marked as wholly outside it"));
    }
    Ok(())
}

fn quantise(p: LatLon) -> Option<LatLon> {
    let q = |v: f64| (v * STEPS_PER_DEGREE).round() / STEPS_PER_DEGREE;
    LatLon::new(q(p.lat), q(p.lon))
}

/// Explains a file that is not the `expected` kind (`"a postcode shard"`), from its first
/// bytes: a web page served in its place, JSON, a compressed file, or else the bytes it starts
/// with and the signature it should have.
fn describe_foreign(bytes: &[u8], expected: &str, signature: &str) -> String {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).map_or(&[][..], |i| &text[i..]);
    let head: Vec<u8> = start.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if start.starts_with(b"<") || has(b"<html") || has(b"<!doctype") {
        format!("looks like an HTML page, not {expected} (a web server's error or login page served in its place?)")
    } else if start.starts_with(b"{") || start.starts_with(b"[") {
        format!("looks like JSON, not {expected}")
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        "is gzip-compressed: serve it with Content-Encoding: gzip, or decompress it first".into()
    } else if bytes.starts_with(b"\xFD7zXZ\0") {
        "is xz-compressed: decompress it first".into()
    } else {
        let shown: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("not {expected}: it should start with {signature}, it starts with bytes {}", shown.join(" "))
    }
}

/// The running coordinate that deltas are taken from, in 1e-5 degree steps.
#[derive(Default)]
struct Cursor {
    lat: i64,
    lon: i64,
}

impl Cursor {
    fn write(&mut self, out: &mut Writer, p: LatLon) {
        let (lat, lon) = ((p.lat * STEPS_PER_DEGREE).round() as i64, (p.lon * STEPS_PER_DEGREE).round() as i64);
        out.varint(zigzag(lat - self.lat));
        out.varint(zigzag(lon - self.lon));
        (self.lat, self.lon) = (lat, lon);
    }

    /// `None` when the bytes end; `Some(Err)` for a coordinate out of range.
    fn read(&mut self, r: &mut Reader) -> Option<std::result::Result<LatLon, String>> {
        let dlat = unzigzag(r.varint()?);
        let dlon = unzigzag(r.varint()?);
        // Deltas are bounded by the varint reader (< 2^63), so these never overflow i64 when
        // the running value is kept within ±180 degrees, which is checked next.
        self.lat = self.lat.saturating_add(dlat);
        self.lon = self.lon.saturating_add(dlon);
        let location = LatLon::new(self.lat as f64 / STEPS_PER_DEGREE, self.lon as f64 / STEPS_PER_DEGREE);
        Some(location.ok_or_else(|| format!("coordinate {}, {} out of range", self.lat, self.lon)))
    }
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn varint(&mut self, v: u64) {
        put_varint(&mut self.0, v);
    }
}

/// The small JSON file next to the shards (`index.json`): which areas have a shard, and which
/// are known to be outside England, so that the page can answer "that postcode is in Wales"
/// without fetching anything that would reveal the area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaIndex {
    pub schema_version: u16,
    /// E.g. "OS Code-Point Open".
    pub source: String,
    /// E.g. `2025-10`, as in every shard.
    pub data_date: String,
    /// Lines any page using the data must show.
    pub attribution: Vec<String>,
    /// Sorted by area.
    pub areas: Vec<AreaSummary>,
    /// Areas with no postcode in England, sorted by area.
    pub outside_england: Vec<OutsideArea>,
}

/// One area that has a shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaSummary {
    /// `LS`.
    pub area: String,
    /// `LS.bin` ([`shard_file_name`]).
    pub file: String,
    pub districts: u32,
    pub sectors: u32,
    /// Postcode units in England.
    pub units: u32,
    /// The mean position of its units in England (to 4 decimal places), `None` when it has none.
    /// The page picks the area whose centre is nearest a home chosen on the map or by "use my
    /// location", to fetch that area's details file rather than every setting's (a guess: if
    /// the list needs more, the engine says so and the page fetches them all). Absent from
    /// indexes written before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<LatLon>,
}

impl AreaSummary {
    pub fn of(shard: &PostcodeShard) -> AreaSummary {
        AreaSummary {
            area: shard.area().to_string(),
            file: shard_file_name(shard.area()),
            districts: shard.districts().len() as u32,
            sectors: shard.sector_count() as u32,
            units: shard.unit_count() as u32,
            centre: centre_of(shard.districts()),
        }
    }
}

/// The mean of the districts' centroids, each weighted by its units in England (so the mean of
/// the area's units), rounded to 4 decimal places.
fn centre_of(districts: &[District]) -> Option<LatLon> {
    let (mut lat, mut lon, mut n) = (0.0, 0.0, 0.0);
    for d in districts {
        if let (Some(c), false) = (d.centroid, d.units.is_empty()) {
            let w = d.units.len() as f64;
            lat += c.location.lat * w;
            lon += c.location.lon * w;
            n += w;
        }
    }
    let round = |v: f64| (v * 1e4).round() / 1e4;
    (n > 0.0).then(|| LatLon { lat: round(lat / n), lon: round(lon / n) })
}

/// A postcode area with no postcode in England.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutsideArea {
    pub area: String,
    pub jurisdiction: Jurisdiction,
}

/// Areas that OS Code-Point Open never includes, so no data file can list them.
const AREAS_BEYOND_GREAT_BRITAIN: [(&str, Jurisdiction); 4] = [
    ("BT", Jurisdiction::NorthernIreland),
    ("GY", Jurisdiction::Guernsey),
    ("IM", Jurisdiction::IsleOfMan),
    ("JE", Jurisdiction::Jersey),
];

impl AreaIndex {
    /// The index of `shards`, with `outside_england` plus the areas beyond Great Britain
    /// (`BT`, `GY`, `IM`, `JE`), which Code-Point Open does not cover.
    pub fn new(
        source: &str,
        data_date: &str,
        attribution: Vec<String>,
        shards: &[PostcodeShard],
        mut outside_england: Vec<OutsideArea>,
    ) -> AreaIndex {
        let mut areas: Vec<AreaSummary> = shards.iter().map(AreaSummary::of).collect();
        areas.sort_by(|a, b| a.area.cmp(&b.area));
        for (area, jurisdiction) in AREAS_BEYOND_GREAT_BRITAIN {
            if !outside_england.iter().any(|o| o.area == area) && !areas.iter().any(|a| a.area == area) {
                outside_england.push(OutsideArea { area: area.to_string(), jurisdiction });
            }
        }
        outside_england.sort_by(|a, b| a.area.cmp(&b.area));
        AreaIndex {
            schema_version: SCHEMA_VERSION,
            source: source.to_string(),
            data_date: data_date.to_string(),
            attribution,
            areas,
            outside_england,
        }
    }

    /// Pretty JSON (it is small: about 10 KB).
    pub fn to_json(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads and checks an index: the schema version, and that every file name is the one
    /// [`shard_file_name`] gives (so a tampered index cannot send the page elsewhere).
    pub fn from_json(bytes: &[u8]) -> Result<AreaIndex> {
        const WHAT: &str = "postcode area index";
        crate::limits::check_size(WHAT, bytes.len() as u64, MAX_AREA_INDEX_BYTES as u64, "MAX_AREA_INDEX_BYTES")?;
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let starts_like_json = text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if !starts_like_json {
            let reason = if text.iter().all(u8::is_ascii_whitespace) {
                "the file is empty".to_string()
            } else {
                describe_foreign(text, "a postcode area index", "\"{\"")
            };
            return Err(Error::corrupt(WHAT, reason));
        }
        let value: serde_json::Value =
            serde_json::from_slice(text).map_err(|e| Error::corrupt(WHAT, format!("not valid JSON: {e}")))?;
        let found = value.get("schemaVersion").and_then(serde_json::Value::as_u64);
        match found {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(Error::WrongVersion {
                    what: WHAT.to_string(),
                    expected: SCHEMA_VERSION,
                    found: u16::try_from(v).unwrap_or(u16::MAX),
                })
            }
            None => return Err(Error::corrupt(WHAT, "it has no schemaVersion number")),
        }
        let mut index: AreaIndex = serde_json::from_value(value).map_err(|e| Error::corrupt(WHAT, e.to_string()))?;
        for a in &index.areas {
            check_area(&a.area).map_err(|reason| Error::corrupt(WHAT, reason))?;
            if a.file != shard_file_name(&a.area) {
                return Err(Error::corrupt(
                    WHAT,
                    format!("area {} names file {:?}, expected {:?}", a.area, a.file, shard_file_name(&a.area)),
                ));
            }
        }
        index.areas.sort_by(|a, b| a.area.cmp(&b.area));
        index.outside_england.sort_by(|a, b| a.area.cmp(&b.area));
        Ok(index)
    }

    /// The summary of an area (`LS`), if it has a shard.
    pub fn area(&self, area: &str) -> Option<&AreaSummary> {
        self.areas.binary_search_by(|a| a.area.as_str().cmp(area)).ok().map(|i| &self.areas[i])
    }

    /// Which shard to fetch for `postcode`: [`Error::OutsideEngland`] for an area known to be
    /// outside England (`CF`, `EH`, `BT`...), [`Error::UnknownPostcode`] for an area that does
    /// not exist (`QQ`).
    pub fn locate(&self, postcode: &Postcode) -> Result<&AreaSummary> {
        if let Some(summary) = self.area(postcode.area()) {
            return Ok(summary);
        }
        match self.outside_england.iter().find(|o| o.area == postcode.area()) {
            Some(o) => {
                Err(Error::OutsideEngland { postcode: postcode.to_string(), place: o.jurisdiction.name().to_string() })
            }
            None => Err(Error::UnknownPostcode { postcode: postcode.to_string() }),
        }
    }
}

/// Places a postcode from a folder of shards, in the steps the page takes: the area index first
/// (an area with no postcode in England, `EH` or `BT`, is answered without reading a shard; an
/// area that does not exist is unknown), then the area's shard ([`PostcodeShard::lookup`]).
/// `read_shard` reads a shard by its file name (`LS.bin`).
pub fn place_postcode(
    index: &AreaIndex,
    postcode: &Postcode,
    read_shard: impl FnOnce(&str) -> Result<Vec<u8>>,
) -> Result<PostcodeFix> {
    let summary = index.locate(postcode)?;
    PostcodeShard::decode(&read_shard(&summary.file)?)?.lookup(postcode)
}

/// What a person must be told when a postcode was placed at the centre of its sector or district
/// rather than at the unit itself (a new, retired or mistyped postcode): `None` for a unit.
///
/// ```
/// use placement_finder::engine::postcode::approximation;
/// use placement_finder::{LatLon, Postcode, PostcodeFix, PostcodePrecision};
///
/// let fix = PostcodeFix {
///     postcode: Postcode::parse("LS6 9ZZ").unwrap(),
///     location: LatLon::new(53.82, -1.57).unwrap(),
///     precision: PostcodePrecision::Sector,
///     la: None,
/// };
/// assert_eq!(
///     approximation(&fix).unwrap(),
///     "LS6 9ZZ is not in the postcode list, so distances are from the centre of postcode sector LS6 9"
/// );
/// ```
pub fn approximation(fix: &PostcodeFix) -> Option<String> {
    let what = match fix.precision {
        PostcodePrecision::Unit => return None,
        PostcodePrecision::Sector => format!("postcode sector {}", fix.postcode.sector()),
        PostcodePrecision::Outcode => format!("postcode district {}", fix.postcode.outcode()),
    };
    Some(format!("{} is not in the postcode list, so distances are from the centre of {what}", fix.postcode))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEEDS: Option<LaCode> = Some(LaCode(383));
    const BRADFORD: Option<LaCode> = Some(LaCode(380));

    fn pc(text: &str) -> Postcode {
        Postcode::parse(text).unwrap()
    }

    fn unit(inward: &str, lat: f64, lon: f64, la: Option<LaCode>) -> Unit {
        Unit { inward: InwardCode::parse(inward).unwrap(), location: LatLon::new(lat, lon).unwrap(), la }
    }

    /// A small `LS` shard: LS6 with sectors 2 and 3 (one unit of sector 3 in Bradford), LS1
    /// with one unit, LS29 with a unit outside England next to English ones (not real: the
    /// real LS is all English), and LS99 wholly outside England.
    fn sample() -> PostcodeShard {
        let ls6 = District::from_units(
            "LS6",
            vec![
                unit("2AB", 53.817_24, -1.561_46, LEEDS),
                unit("2AD", 53.815_84, -1.566_21, LEEDS),
                unit("2AE", 53.816_27, -1.563_02, LEEDS),
                unit("3HN", 53.823_1, -1.571_9, LEEDS),
                unit("3ZZ", 53.823_9, -1.572_4, BRADFORD),
            ],
        );
        let ls1 = District::from_units("LS1", vec![unit("4AP", 53.799_6, -1.549_2, LEEDS)]);
        let mut ls29 = District::from_units("LS29", vec![unit("6AA", 53.92, -1.82, BRADFORD)]);
        ls29.outside_england
            .push(OutsideUnit { inward: InwardCode::parse("6AB").unwrap(), jurisdiction: Jurisdiction::Wales });
        let ls99 = District {
            outcode: "LS99".into(),
            centroid: None,
            sectors: vec![],
            units: vec![],
            outside_england: vec![],
            wholly_outside: Some(Jurisdiction::Scotland),
        };
        PostcodeShard::new("LS", "2025-10", vec![ls6, ls99, ls1, ls29]).unwrap()
    }

    mod inward_codes {
        use super::*;

        #[test]
        fn pack_in_text_order_and_print_back() {
            let codes = ["0AA", "0AB", "0BA", "2AB", "9ZZ"];
            let packed: Vec<InwardCode> = codes.iter().map(|c| InwardCode::parse(c).unwrap()).collect();
            assert!(packed.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(packed.iter().map(ToString::to_string).collect::<Vec<_>>(), codes);
            assert_eq!(InwardCode::parse("9ZZ").unwrap().packed(), INWARD_CODES - 1);
            assert_eq!(InwardCode::parse("2AB").unwrap().sector_digit(), 2);
        }

        #[test]
        fn reject_anything_else() {
            for bad in ["", "2A", "2ab", "AAB", "2A1", "2ABC"] {
                assert_eq!(InwardCode::parse(bad), None, "{bad}");
            }
        }
    }

    mod format {
        use super::*;

        #[test]
        fn round_trips() {
            let shard = sample();
            let bytes = shard.encode();
            assert_eq!(PostcodeShard::decode(&bytes).unwrap(), shard);
        }

        #[test]
        fn header_names_the_area_and_date() {
            let bytes = sample().encode();
            assert_eq!(&bytes[..4], b"PFPC");
            assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), SCHEMA_VERSION);
            assert_eq!(&bytes[6..9], b"\x02LS");
            assert_eq!(&bytes[9..17], b"\x072025-10");
        }

        #[test]
        fn is_deterministic_and_compact() {
            let shard = sample();
            assert_eq!(shard.encode(), shard.encode());
            // Header 41 bytes; 4 districts, 4 sectors, 7 units, 1 unit outside England.
            assert!(shard.encode().len() <= 152, "{}", shard.encode().len());
        }

        #[test]
        fn locations_are_rounded_to_the_stored_precision() {
            let odd = unit("2AB", 53.817_244_9, -1.561_455_1, LEEDS);
            let shard = PostcodeShard::new("LS", "x", vec![District::from_units("LS6", vec![odd])]).unwrap();
            let stored = shard.district("LS6").unwrap().units[0].location;
            assert_eq!((stored.lat, stored.lon), (53.81724, -1.56146));
            assert_eq!(PostcodeShard::decode(&shard.encode()).unwrap(), shard);
        }

        #[test]
        fn an_empty_shard_round_trips() {
            let shard = PostcodeShard::new("Q", "", vec![]).unwrap();
            assert_eq!(PostcodeShard::decode(&shard.encode()).unwrap(), shard);
        }

        #[test]
        fn varints_and_zigzag_round_trip_at_the_edges() {
            for v in [0u64, 1, 127, 128, 16_383, 16_384, u32::MAX as u64, u64::MAX] {
                let mut w = Writer::default();
                w.varint(v);
                assert_eq!(Reader::new(&w.0, 0).varint(), Some(v));
            }
            for v in [0i64, 1, -1, 63, -64, 18_000_000, -18_000_000, i64::MAX, i64::MIN] {
                assert_eq!(unzigzag(zigzag(v)), v);
            }
            assert_eq!(Reader::new(&[0x80; 11], 0).varint(), None, "over-long");
        }
    }

    mod damaged_files {
        use super::*;

        fn reason(bytes: &[u8]) -> String {
            match PostcodeShard::decode(bytes) {
                Err(Error::Corrupt { reason, .. }) => reason,
                other => panic!("expected Corrupt, got {other:?}"),
            }
        }

        #[test]
        fn districts_out_of_order_are_corrupt_not_sorted() {
            // The decoder checks the order the encoder writes instead of sorting.
            let mut shard = sample();
            shard.districts.swap(0, 1);
            let (first, second) = (shard.districts[1].outcode.clone(), shard.districts[0].outcode.clone());
            let r = reason(&shard.encode());
            assert_eq!(r, format!("district {first} comes after {second}: the districts are out of order"));
            shard.districts[0] = shard.districts[1].clone();
            assert_eq!(reason(&shard.encode()), format!("district {first} is listed twice"));
        }

        #[test]
        fn every_truncation_is_an_error() {
            let bytes = sample().encode();
            for len in 0..bytes.len() {
                let r = reason(&bytes[..len]);
                assert!(r.contains("truncated") || r.contains("empty"), "{len}: {r}");
            }
        }

        #[test]
        fn every_flipped_byte_is_an_error_or_a_valid_shard() {
            // A flip in the payload breaks the checksum; one in the header may, say, rename the
            // date. Either way: no panic.
            let bytes = sample().encode();
            for i in 0..bytes.len() {
                for flip in [0x01u8, 0x80, 0xff] {
                    let mut damaged = bytes.clone();
                    damaged[i] ^= flip;
                    let _ = PostcodeShard::decode(&damaged);
                }
            }
            let mut damaged = bytes.clone();
            let last = damaged.len() - 1;
            damaged[last] ^= 1;
            assert!(reason(&damaged).contains("checksum"));
        }

        #[test]
        fn a_shard_over_the_size_cap_is_refused_unread() {
            let err = PostcodeShard::decode(&vec![0; MAX_SHARD_BYTES + 1]).unwrap_err();
            assert!(matches!(err, Error::TooLarge { cap: "MAX_SHARD_BYTES", .. }), "{err}");
            let err = AreaIndex::from_json(&vec![b' '; MAX_AREA_INDEX_BYTES + 1]).unwrap_err();
            assert!(matches!(err, Error::TooLarge { cap: "MAX_AREA_INDEX_BYTES", .. }), "{err}");
        }

        #[test]
        fn an_html_page_is_named_as_such() {
            let page = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>";
            assert!(reason(page).contains("looks like an HTML page, not a postcode shard"), "{}", reason(page));
            let with_bom = b"\xEF\xBB\xBF\r\n  <html lang=\"en\"><body>Page not found</body></html>";
            assert!(reason(with_bom).contains("HTML page"));
        }

        #[test]
        fn other_foreign_files_are_named() {
            assert!(reason(br#"{"schemaVersion":1}"#).contains("JSON"));
            assert!(reason(&[0x1f, 0x8b, 8, 0, 0, 0]).contains("gzip"));
            assert!(reason(b"hello world").contains("it starts with bytes 68 65 6c"));
        }

        #[test]
        fn a_wrong_version_says_which() {
            let mut bytes = sample().encode();
            bytes[4..6].copy_from_slice(&7u16.to_le_bytes());
            match PostcodeShard::decode(&bytes) {
                Err(Error::WrongVersion { expected, found, .. }) => assert_eq!((expected, found), (SCHEMA_VERSION, 7)),
                other => panic!("{other:?}"),
            }
        }

        #[test]
        fn trailing_bytes_are_an_error() {
            let mut bytes = sample().encode();
            bytes.push(0);
            assert!(reason(&bytes).contains("unexpected bytes"));
        }

        #[test]
        fn random_bytes_are_an_error() {
            let mut state = 0x2545_f491_4f6c_dd1du64;
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            };
            let header = sample().encode()[..6].to_vec();
            for len in [1usize, 5, 17, 64, 300, 4096] {
                for _ in 0..200 {
                    let random: Vec<u8> = (0..len).map(|_| next()).collect();
                    assert!(PostcodeShard::decode(&random).is_err());
                    // With a valid signature and version, the rest is still checked.
                    let prefixed: Vec<u8> = header.iter().copied().chain(random).collect();
                    assert!(PostcodeShard::decode(&prefixed).is_err());
                }
            }
        }

        /// A payload with a correct checksum but nonsense inside (as a buggy writer would make):
        /// a forged count of four billion units must not allocate or panic.
        #[test]
        fn forged_counts_behind_a_valid_checksum_are_an_error() {
            let mut w = Writer::default();
            w.varint(0); // no LAs
            w.byte(1);
            w.bytes(b"6");
            w.byte(0);
            w.varint(0);
            w.varint(u64::from(u32::MAX)); // units
            w.varint(0);
            w.varint(0); // one unit begins...
            let payload = w.0;
            let mut file = MAGIC.to_vec();
            file.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
            file.extend_from_slice(b"\x02LS\x00");
            for count in [1u32, 0, u32::MAX, 0, payload.len() as u32, crc32fast::hash(&payload)] {
                file.extend_from_slice(&count.to_le_bytes());
            }
            file.extend_from_slice(&payload);
            assert!(reason(&file).contains("end early"), "{}", reason(&file));
        }
    }

    mod lookup {
        use super::*;

        #[test]
        fn an_exact_unit() {
            let fix = sample().lookup(&pc("ls62ab")).unwrap();
            assert_eq!(fix.postcode.as_str(), "LS6 2AB");
            assert_eq!(fix.precision, PostcodePrecision::Unit);
            assert_eq!((fix.location.lat, fix.location.lon), (53.81724, -1.56146));
            assert_eq!(fix.la, LEEDS);
        }

        #[test]
        fn a_unit_in_another_authority_than_its_sector() {
            let shard = PostcodeShard::decode(&sample().encode()).unwrap();
            assert_eq!(shard.lookup(&pc("LS6 3ZZ")).unwrap().la, BRADFORD);
            assert_eq!(shard.lookup(&pc("LS6 3HN")).unwrap().la, LEEDS);
        }

        #[test]
        fn a_missing_unit_falls_back_to_its_sector() {
            let shard = sample();
            let fix = shard.lookup(&pc("LS6 2XY")).unwrap();
            assert_eq!(fix.precision, PostcodePrecision::Sector);
            let sector = shard.district("LS6").unwrap().sectors[0];
            assert_eq!((sector.digit, fix.location, fix.la), (2, sector.centroid.location, LEEDS));
            assert!((fix.location.lat - 53.81645).abs() < 1e-5, "mean of the three 2xx units");
        }

        #[test]
        fn a_missing_sector_falls_back_to_the_district() {
            let shard = sample();
            let fix = shard.lookup(&pc("LS6 9AA")).unwrap();
            assert_eq!(fix.precision, PostcodePrecision::Outcode);
            assert_eq!(fix.location, shard.district("LS6").unwrap().centroid.unwrap().location);
            assert_eq!(fix.la, LEEDS, "4 of the 5 units");
        }

        #[test]
        fn an_unknown_district_is_unknown() {
            assert!(
                matches!(sample().lookup(&pc("LS88 1AA")), Err(Error::UnknownPostcode { postcode }) if postcode == "LS88 1AA")
            );
        }

        #[test]
        fn units_and_districts_outside_england_say_where() {
            let shard = sample();
            match shard.lookup(&pc("LS29 6AB")) {
                Err(Error::OutsideEngland { postcode, place }) => {
                    assert_eq!((postcode.as_str(), place.as_str()), ("LS29 6AB", "Wales"))
                }
                other => panic!("{other:?}"),
            }
            assert!(
                matches!(shard.lookup(&pc("LS99 1AA")), Err(Error::OutsideEngland { place, .. }) if place == "Scotland")
            );
            assert_eq!(shard.lookup(&pc("LS29 6AC")).unwrap().precision, PostcodePrecision::Sector);
        }

        #[test]
        fn a_made_up_unit_in_a_sector_wholly_outside_england_says_where() {
            // A border district: sector 6 has a unit in England and one in Wales, sector 7 only
            // Welsh units, sector 8 nothing at all.
            let mut district = District::from_units("LS29", vec![unit("6AA", 53.92, -1.82, BRADFORD)]);
            for (inward, j) in
                [("6AB", Jurisdiction::Wales), ("7AB", Jurisdiction::Wales), ("7AD", Jurisdiction::Wales)]
            {
                district
                    .outside_england
                    .push(OutsideUnit { inward: InwardCode::parse(inward).unwrap(), jurisdiction: j });
            }
            let shard =
                PostcodeShard::decode(&PostcodeShard::new("LS", "2025-10", vec![district]).unwrap().encode()).unwrap();
            assert!(
                matches!(shard.lookup(&pc("LS29 7ZZ")), Err(Error::OutsideEngland { place, .. }) if place == "Wales")
            );
            // Never "in Wales" for a sector with an English unit, nor for one the data does not know.
            assert_eq!(shard.lookup(&pc("LS29 6ZZ")).unwrap().precision, PostcodePrecision::Sector);
            assert_eq!(shard.lookup(&pc("LS29 8ZZ")).unwrap().precision, PostcodePrecision::Outcode);
        }

        #[test]
        fn a_postcode_of_another_area_is_a_caller_error() {
            match sample().lookup(&pc("SW1A 1AA")) {
                Err(Error::InvalidQuery { field, reason }) => {
                    assert_eq!(field, "postcode");
                    assert!(reason.contains("SW.bin"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
            // `L` is a different area from `LS`, though a prefix of it.
            assert!(matches!(sample().lookup(&pc("L1 8JQ")), Err(Error::InvalidQuery { .. })));
        }
    }

    mod construction {
        use super::*;

        #[test]
        fn sorts_what_it_is_given() {
            let shard = sample();
            let outcodes: Vec<&str> = shard.districts().iter().map(|d| d.outcode.as_str()).collect();
            assert_eq!(outcodes, ["LS1", "LS29", "LS6", "LS99"]);
            let units: Vec<String> =
                shard.district("LS6").unwrap().units.iter().map(|u| u.inward.to_string()).collect();
            assert_eq!(units, ["2AB", "2AD", "2AE", "3HN", "3ZZ"]);
            assert_eq!((shard.unit_count(), shard.sector_count(), shard.outside_unit_count()), (7, 4, 1));
        }

        #[test]
        fn rejects_inconsistent_input() {
            let one = || unit("2AB", 53.8, -1.5, LEEDS);
            let err = |area: &str, districts: Vec<District>| {
                PostcodeShard::new(area, "2025-10", districts).unwrap_err().to_string()
            };
            assert!(err("LS", vec![District::from_units("M1", vec![one()])]).contains("not in postcode area LS"));
            assert!(err("LS", vec![District::from_units("LS6", vec![one(), one()])]).contains("listed twice"));
            assert!(err("ls", vec![]).contains("not a postcode area"));
            assert!(err("LS", vec![District::from_units("LSX", vec![one()])]).contains("not an outward code"));
            let mut both = District::from_units("LS6", vec![one()]);
            both.outside_england.push(OutsideUnit { inward: one().inward, jurisdiction: Jurisdiction::Wales });
            assert!(err("LS", vec![both]).contains("both in and outside"));
        }

        #[test]
        fn majority_ties_go_to_the_lowest() {
            assert_eq!(majority([LEEDS, BRADFORD, LEEDS, BRADFORD]), Some(BRADFORD));
            assert_eq!(majority([LEEDS, None, LEEDS]), Some(LEEDS));
            assert_eq!(majority([None, None, LEEDS]), Some(None));
            assert_eq!(majority(Vec::<Option<LaCode>>::new()), None);
        }

        #[test]
        fn file_names_are_the_area_in_capitals() {
            assert_eq!(shard_file_name("LS"), "LS.bin");
            assert_eq!(shard_file_name("sw"), "SW.bin");
        }
    }

    mod area_index {
        use super::*;

        fn index() -> AreaIndex {
            let outside = vec![OutsideArea { area: "CF".into(), jurisdiction: Jurisdiction::Wales }];
            AreaIndex::new("OS Code-Point Open", "2025-10", vec!["Contains OS data".into()], &[sample()], outside)
        }

        #[test]
        fn lists_shards_and_places_outside_england() {
            let index = index();
            let centre = index.areas[0].centre;
            assert_eq!(
                index.areas,
                [AreaSummary { area: "LS".into(), file: "LS.bin".into(), districts: 4, sectors: 4, units: 7, centre }]
            );
            // The mean of the seven units, weighted as the districts hold them.
            let shard = sample();
            let units: Vec<LatLon> =
                shard.districts().iter().flat_map(|d| d.units.iter().map(|u| u.location)).collect();
            assert_eq!(units.len(), 7);
            let mean = |f: fn(&LatLon) -> f64| units.iter().map(f).sum::<f64>() / 7.0;
            let centre = centre.expect("an area with units has a centre");
            assert!((centre.lat - mean(|p| p.lat)).abs() <= 0.0001, "{centre:?}");
            assert!((centre.lon - mean(|p| p.lon)).abs() <= 0.0001, "{centre:?}");
            let outside: Vec<&str> = index.outside_england.iter().map(|o| o.area.as_str()).collect();
            assert_eq!(outside, ["BT", "CF", "GY", "IM", "JE"]);
        }

        #[test]
        fn json_round_trips() {
            let index = index();
            let json = index.to_json();
            assert!(json.contains("\"schemaVersion\": 1") && json.contains("\"outsideEngland\""), "{json}");
            assert_eq!(AreaIndex::from_json(json.as_bytes()).unwrap(), index);
        }

        #[test]
        fn locates_a_postcode_without_a_request() {
            let index = index();
            assert_eq!(index.locate(&pc("LS6 2AB")).unwrap().file, "LS.bin");
            assert!(
                matches!(index.locate(&pc("CF10 1AA")), Err(Error::OutsideEngland { place, .. }) if place == "Wales")
            );
            let ni = index.locate(&pc("BT1 1AA")).unwrap_err().to_string();
            assert!(ni.contains("is in Northern Ireland"), "{ni}");
            assert!(matches!(index.locate(&pc("QQ1 1AA")), Err(Error::UnknownPostcode { .. })));
        }

        #[test]
        fn rejects_html_wrong_versions_and_tampered_files() {
            let corrupt = |bytes: &[u8]| match AreaIndex::from_json(bytes) {
                Err(Error::Corrupt { reason, .. }) => reason,
                other => panic!("{other:?}"),
            };
            assert!(corrupt(b"<html><body>Not found</body></html>")
                .contains("looks like an HTML page, not a postcode area index"));
            assert!(corrupt(b"").contains("empty"));
            assert!(corrupt(b"PFPC\x01\x00").contains("should start with \"{\""));
            assert!(corrupt(b"{\"areas\": []}").contains("schemaVersion"));
            let json = index().to_json();
            assert!(corrupt(json.replace("\"LS.bin\"", "\"https://example.com/x\"").as_bytes()).contains("names file"));
            assert!(corrupt(&json.as_bytes()[..json.len() / 2]).contains("not valid JSON"));
            let old = json.replace("\"schemaVersion\": 1", "\"schemaVersion\": 0");
            assert!(matches!(AreaIndex::from_json(old.as_bytes()), Err(Error::WrongVersion { found: 0, .. })));
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_unit() -> impl Strategy<Value = Unit> {
            (
                0u16..INWARD_CODES,
                49.9f64..55.9,
                -6.4f64..1.8,
                prop::option::of(prop::sample::select(vec![201u16, 383, 380, 936])),
            )
                .prop_map(|(i, lat, lon, la)| Unit {
                    inward: InwardCode(i),
                    location: LatLon { lat, lon },
                    la: la.map(LaCode),
                })
        }

        fn any_shard() -> impl Strategy<Value = PostcodeShard> {
            prop::collection::btree_map(1u8..40, prop::collection::vec(any_unit(), 0..30), 0..6).prop_map(|districts| {
                let districts = districts
                    .into_iter()
                    .map(|(n, mut units)| {
                        units.sort_by_key(|u| u.inward);
                        units.dedup_by_key(|u| u.inward);
                        District::from_units(&format!("LS{n}"), units)
                    })
                    .collect();
                PostcodeShard::new("LS", "2025-10", districts).unwrap()
            })
        }

        proptest! {
            #[test]
            fn any_shard_round_trips(shard in any_shard()) {
                prop_assert_eq!(PostcodeShard::decode(&shard.encode()).unwrap(), shard);
            }

            #[test]
            fn any_bytes_decode_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
                let _ = PostcodeShard::decode(&bytes);
                let _ = AreaIndex::from_json(&bytes);
            }
        }
    }
}
