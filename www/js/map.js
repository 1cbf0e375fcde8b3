// The map: the only module that imports Leaflet. It shows home and the results, linked both ways
// with the list, and lets a person pick home by selecting a place. It holds nothing the list lacks.
//
// Tiles are off by default (the page works fully without them); a council turns them on with
// data-tile-url and data-tile-attribution on the map element, or the options below. Without
// tiles the map draws council boundaries (a small GeoJSON file of our own) for context. Settings
// that share an address (a school and its unit) share one marker that lists them all.
//
// Events dispatched on the map element (wired in main.js):
//   pf:map-select {detail: {key}}        "Show in list" for a result
//   pf:map-home   {detail: {lat, lon}}   "Search from here"

import { h } from './dom.js';
import { milesText } from './format.js';
import { scrollIntoViewAnywhere } from './reveal.js';
import { resultKey } from './state.js';

/** Leaflet's ES module build, copied in by scripts/build.sh. */
const LEAFLET_URL = '../vendor/leaflet/leaflet-src.esm.js';

/** Leaflet's stylesheet: in the page's head (dashboard.html), or added with the map (index.html, which needs no map before the list). */
const LEAFLET_CSS_URL = '../vendor/leaflet/leaflet.css';

/** Adds Leaflet's stylesheet to the page unless it is there; resolves once it applies. */
function leafletStyles() {
  const href = new URL(LEAFLET_CSS_URL, import.meta.url).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => /** @type {HTMLLinkElement} */ (l).href === href)) return Promise.resolve();
  return new Promise((done) => {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href });
    // Loaded or not, the map goes on (without the styles it is plainer, not broken).
    link.addEventListener('load', () => done(undefined));
    link.addEventListener('error', () => done(undefined));
    // Before the page's own stylesheets, as it was in the head, so that theirs win over Leaflet's.
    document.head.insertBefore(link, document.querySelector('link[rel="stylesheet"]'));
  });
}

/** England, for the first view before there is a home. */
const ENGLAND = /** @type {[number, number]} */ ([52.9, -1.5]);

/**
 * @typedef {typeof import('leaflet')} Leaflet
 * @typedef {import('./types.js').Result} Result
 * @typedef {import('./types.js').LatLon} LatLon
 * @typedef {{
 *   tileUrl?: string,
 *   attribution?: string,
 *   maxZoom?: number,
 *   boundaries?: string,
 * }} MapOptions
 *   tileUrl: an XYZ template like https://tile.example/{z}/{x}/{y}.png; empty for no tiles
 *   attribution: shown in the corner (plain text); maxZoom: default 18
 *   boundaries: URL of council boundaries (GeoJSON) drawn when there are no tiles; empty for none
 */

/**
 * Reads options from the element's data-* attributes.
 * @param {HTMLElement} el
 * @returns {MapOptions}
 */
export function optionsFromElement(el) {
  return {
    tileUrl: el.dataset.tileUrl || '',
    attribution: el.dataset.tileAttribution || '',
    maxZoom: Number(el.dataset.maxZoom) || 18,
    boundaries: el.dataset.boundaries ?? '',
  };
}

/** Markers closer than this (in screen pixels) are drawn as one, so that none overlap. */
const CLUSTER_DX = 72;
const CLUSTER_DY = 38;

/**
 * Groups results whose markers would overlap on screen (and always those at one address), in
 * rank order: each group takes the place of its best-ranked member.
 * @param {Result[]} results
 * @param {(r: Result) => { x: number, y: number }} toScreen
 * @returns {Result[][]}
 */
export function groupForScreen(results, toScreen) {
  /** @type {{ at: { x: number, y: number }, members: Result[] }[]} */
  const groups = [];
  for (const r of results) {
    const at = toScreen(r);
    const near = groups.find((g) => Math.abs(g.at.x - at.x) < CLUSTER_DX && Math.abs(g.at.y - at.y) < CLUSTER_DY);
    if (near) near.members.push(r);
    else groups.push({ at, members: [r] });
  }
  return groups.map((g) => g.members);
}

/**
 * A marker's visible label: the ranks it stands for, shortened when there are many.
 * @param {Result[]} group
 */
function markerLabel(group) {
  const ranks = group.map((r) => r.rank);
  return ranks.length <= 2 ? ranks.join(', ') : `${ranks[0]}, ${ranks[1]} +${ranks.length - 2}`;
}

/** @param {Result[]} group */
function sameAddress(group) {
  const at = (/** @type {Result} */ r) => `${r.location.lat.toFixed(5)},${r.location.lon.toFixed(5)}`;
  return group.every((r) => at(r) === at(group[0]));
}

export class ResultsMap {
  /**
   * Use `ResultsMap.create`.
   * @param {Leaflet} L
   * @param {HTMLElement} el
   * @param {MapOptions} options
   */
  constructor(L, el, options) {
    this.L = L;
    this.el = el;
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.map = L.map(el, {
      center: ENGLAND, zoom: 6, keyboard: true, zoomSnap: 0.5, attributionControl: true,
      fadeAnimation: !still, zoomAnimation: !still, markerZoomAnimation: !still,
    });
    this.map.attributionControl.setPrefix(false);
    if (options.tileUrl) {
      L.tileLayer(options.tileUrl, { maxZoom: options.maxZoom ?? 18 }).addTo(this.map);
      if (options.attribution) this.map.attributionControl.addAttribution(escapeText(options.attribution));
    } else {
      el.classList.add('pf-map--no-tiles');
      if (options.boundaries) this.drawBoundaries(new URL(options.boundaries, document.baseURI).href);
    }
    this.results = L.layerGroup().addTo(this.map);
    /** @type {import('leaflet').Marker | null} */
    this.home = null;
    /** @type {Map<string, import('leaflet').Marker>} */
    this.markers = new Map();
    /** @type {Result[]} */
    this.current = [];
    this.map.on('click', (event) => this.offerHome(event.latlng));
    this.map.on('zoomend', () => this.drawResults());
  }

  /**
   * Loads Leaflet and makes the map.
   * @param {HTMLElement} el
   * @param {MapOptions} [options]
   */
  static async create(el, options = optionsFromElement(el)) {
    const [L] = await Promise.all([
      /** @type {Promise<Leaflet>} */ (import(/* @vite-ignore */ new URL(LEAFLET_URL, import.meta.url).href)),
      leafletStyles(),
    ]);
    return new ResultsMap(L, el, options);
  }

  /**
   * Draws council boundaries under the markers (no tiles: they give the map its places).
   * @param {string} url
   */
  async drawBoundaries(url) {
    try {
      const response = await fetch(url, { credentials: 'omit' });
      if (!response.ok) return;
      const geojson = await response.json();
      const layer = this.L.geoJSON(geojson, {
        interactive: false,
        style: () => ({ color: '#7a8a94', weight: 1, fillColor: '#ffffff', fillOpacity: 0.55, opacity: 0.9 }),
      });
      layer.addTo(this.map);
      layer.bringToBack();
      this.map.attributionControl.addAttribution('Boundaries: ONS, OGL v3.0');
    } catch {
      // No boundaries: the map still works.
    }
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  emit(type, detail) {
    this.el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  /**
   * A popup at a selected place offering to search from there.
   * @param {import('leaflet').LatLng} at
   */
  offerHome(at) {
    const button = h('button', { type: 'button', class: 'pf-button pf-button--small' }, 'Search from here');
    const content = h('div', { class: 'pf-popup' }, h('p', { class: 'pf-popup__text' }, 'Use this place as home?'), button);
    const popup = this.L.popup({ autoPanPadding: [24, 24] }).setLatLng(at).setContent(content).openOn(this.map);
    button.addEventListener('click', () => {
      this.map.closePopup(popup);
      this.emit('pf:map-home', { lat: at.lat, lon: at.lng });
    });
    button.focus({ preventScroll: true });
  }

  /**
   * Shows home (or removes it with null).
   * @param {LatLon | null} at
   * @param {string} label
   */
  setHome(at, label) {
    if (this.home) this.home.remove();
    this.home = null;
    if (!at) return;
    // A small dot under the result markers, so that it never hides one.
    const icon = this.L.divIcon({ className: 'pf-home', html: h('span', { class: 'pf-visually-hidden' }, 'Home'), iconSize: [18, 18], iconAnchor: [9, 9] });
    this.home = this.L.marker([at.lat, at.lon], { icon, keyboard: false, interactive: false, title: label, zIndexOffset: -1000 }).addTo(this.map);
  }

  /**
   * Shows the results and fits the view to home and them.
   * @param {Result[]} results
   * @param {LatLon | null} home
   */
  setResults(results, home) {
    this.current = results;
    /** @type {[number, number][]} */
    const points = home ? [[home.lat, home.lon]] : [];
    for (const r of results) points.push([r.location.lat, r.location.lon]);
    if (points.length > 1) this.map.fitBounds(points, { padding: [28, 28], maxZoom: 14, animate: false });
    else if (points.length === 1) this.map.setView(points[0], 13, { animate: false });
    this.drawResults();
  }

  /**
   * (Re)draws the result markers for the current zoom: one marker per group of results that
   * would otherwise overlap (a school and its unit at one address always share one).
   */
  drawResults() {
    this.results.clearLayers();
    this.markers.clear();
    const groups = groupForScreen(this.current, (r) => this.map.latLngToLayerPoint([r.location.lat, r.location.lon]));
    for (const group of groups) {
      const first = group[0];
      const label = markerLabel(group);
      const names = group.map((r) => `${r.rank}. ${r.name}`).join('; ');
      const icon = this.L.divIcon({
        className: `pf-marker${group.length > 1 ? ' pf-marker--group' : ''}`,
        html: h('span', { class: 'pf-marker__label' }, label),
        iconSize: undefined,
        iconAnchor: [16, 16],
      });
      const marker = this.L.marker([first.location.lat, first.location.lon], { icon, keyboard: true, title: names, riseOnHover: true });
      marker.bindPopup(() => this.popupFor(group), { autoPanPadding: [24, 24], maxWidth: 280 });
      marker.on('add', () => {
        const el = marker.getElement();
        if (!el) return;
        el.dataset.count = String(group.length);
        el.setAttribute('aria-label', group.length > 1
          ? `${label}: ${group.length} settings${sameAddress(group) ? ' at one address' : ' close together'}: ${names}`
          : names);
      });
      marker.addTo(this.results);
      for (const r of group) this.markers.set(resultKey(r), marker);
    }
  }

  /**
   * Popup content for a place: each setting there with a link back to the list.
   * @param {Result[]} group
   */
  popupFor(group) {
    const list = h('ul', { class: 'pf-popup__list' });
    for (const r of group) {
      const button = h('button', { type: 'button', class: 'pf-link-button', 'data-key': resultKey(r) }, 'Show in list', h('span', { class: 'pf-visually-hidden' }, `: ${r.name}`));
      button.addEventListener('click', () => this.emit('pf:map-select', { key: resultKey(r) }));
      list.append(h('li', {},
        h('strong', {}, `${r.rank}. ${r.name}`),
        h('span', { class: 'pf-popup__meta' }, `${r.kindLabel || r.kind}, ${milesText(r.distanceMiles)}`),
        button));
    }
    const heading = group.length < 2 ? null
      : sameAddress(group) ? `${group.length} settings at this address` : `${group.length} settings close together`;
    return h('div', { class: 'pf-popup' }, heading ? h('p', { class: 'pf-popup__text' }, heading) : null, list);
  }

  /**
   * Opens a result's marker (from the list) and moves focus to the popup.
   * @param {string} key
   */
  showResult(key) {
    const marker = this.markers.get(key);
    if (!marker) return;
    // In the embed on a phone the host page must scroll: the iframe is as tall as its content.
    scrollIntoViewAnywhere(this.el, 'center');
    const result = this.current.find((r) => resultKey(r) === key);
    if (!result) return;
    // Zoom in far enough for the result to have its own marker (or share one only with settings
    // at its address), without animation so that the markers are redrawn at once.
    let zoom = Math.max(this.map.getZoom(), 13);
    this.map.setView([result.location.lat, result.location.lon], zoom, { animate: false });
    while (zoom < 17 && this.groupOf(key).length > 1 && !sameAddress(this.groupOf(key))) {
      zoom += 1;
      this.map.setView([result.location.lat, result.location.lon], zoom, { animate: false });
    }
    const shown = this.markers.get(key);
    if (!shown) return;
    shown.openPopup();
    const popup = shown.getPopup()?.getElement();
    const button = popup?.querySelector(`button[data-key="${key}"]`);
    if (button instanceof HTMLElement) button.focus({ preventScroll: true });
  }

  /**
   * The results that share a marker with `key` at the current zoom.
   * @param {string} key
   */
  groupOf(key) {
    const marker = this.markers.get(key);
    return this.current.filter((r) => this.markers.get(resultKey(r)) === marker);
  }

  /** Forgets the results and home (for "Start again"). */
  reset() {
    this.current = [];
    this.results.clearLayers();
    this.markers.clear();
    this.setHome(null, '');
    this.map.closePopup();
    this.map.setView(ENGLAND, 6);
  }

  /** Tells Leaflet the container changed size (after layout changes). */
  resize() {
    this.map.invalidateSize();
  }
}

/**
 * Leaflet treats attribution as HTML; a council's attribution is text, so escape it.
 * @param {string} text
 */
function escapeText(text) {
  const span = document.createElement('span');
  span.textContent = text;
  return span.innerHTML;
}


/**
 * The inclusion dashboard's map: council boundaries and one heat-map image laid over them (drawn
 * by the engine). It shows nothing that the dashboard's tables lack.
 */
export class CoverageMap {
  /**
   * Use `CoverageMap.create`.
   * @param {Leaflet} L
   * @param {HTMLElement} el
   * @param {MapOptions} options
   */
  constructor(L, el, options) {
    this.L = L;
    this.el = el;
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.map = L.map(el, { center: ENGLAND, zoom: 6, keyboard: true, zoomSnap: 0.25, fadeAnimation: !still, zoomAnimation: !still });
    this.map.attributionControl.setPrefix(false);
    if (options.tileUrl) {
      L.tileLayer(options.tileUrl, { maxZoom: options.maxZoom ?? 18 }).addTo(this.map);
      if (options.attribution) this.map.attributionControl.addAttribution(escapeText(options.attribution));
    } else {
      el.classList.add('pf-map--no-tiles');
    }
    /** @type {import('leaflet').ImageOverlay | null} */
    this.overlay = null;
    /** @type {import('leaflet').GeoJSON | null} */
    this.boundaries = null;
    if (options.boundaries) this.drawBoundaries(new URL(options.boundaries, document.baseURI).href);
  }

  /**
   * @param {HTMLElement} el
   * @param {MapOptions} [options]
   */
  static async create(el, options = optionsFromElement(el)) {
    const L = /** @type {Leaflet} */ (await import(/* @vite-ignore */ new URL(LEAFLET_URL, import.meta.url).href));
    return new CoverageMap(L, el, options);
  }

  /** @param {string} url */
  async drawBoundaries(url) {
    try {
      const response = await fetch(url, { credentials: 'omit' });
      if (!response.ok) return;
      this.boundaries = this.L.geoJSON(await response.json(), {
        interactive: false,
        style: () => ({ color: '#505a5f', weight: 1, fill: false, opacity: 0.9 }),
      });
      this.boundaries.addTo(this.map);
      this.map.attributionControl.addAttribution('Boundaries: ONS, OGL v3.0');
    } catch {
      // No boundaries: the heat map still shows.
    }
  }

  /**
   * Shows a heat-map image over its bounds and fits the view to them.
   * @param {string} url a PNG (data URL)
   * @param {{ south: number, west: number, north: number, east: number }} b
   * @param {string} alt
   */
  show(url, b, alt) {
    this.overlay?.remove();
    const bounds = this.L.latLngBounds([b.south, b.west], [b.north, b.east]);
    this.overlay = this.L.imageOverlay(url, bounds, { alt, interactive: false, opacity: 0.85 }).addTo(this.map);
    this.boundaries?.bringToFront();
    this.map.fitBounds(bounds, { animate: false });
  }
}
