// The placement finder's embed loader: paste this on any page (a council's Local Offer page)
// with a placeholder, and the placeholder becomes the finder in an iframe that is always as
// tall as its content. See README.md "Embedding" for every attribute.
//
//   <div data-placement-finder data-home-la="383" data-theme-brand="#005ea5">
//     <a href="https://finder.example.gov.uk/">Find schools and settings for a child with SEND</a>
//   </div>
//   <script src="https://finder.example.gov.uk/embed.js" async></script>
//
// The iframe comes from the same place as this script (or data-src). Messages are checked both
// ways: this side accepts only messages from the finder's origin and from its own iframe; the
// finder accepts only messages from this page's origin (js/embed-frame.js). Schema version 1:
//   finder → page  { type: 'placement-finder', version: 1, kind: 'ready' | 'resize', height }
//   finder → page  { type: 'placement-finder', version: 1, kind: 'scrollTo', top, bottom, block, height }
//                  (focus moved to the element top..bottom px down the finder: scroll the page so
//                  it is at the top, block 'start', or the middle, 'center', of the window)
//   page → finder  { type: 'placement-finder', version: 1, kind: 'theme', theme: { name: value } }
// No inline styles in markup (the iframe is sized through the CSSOM), no globals but one:
// window.PlacementFinderEmbed, with setTheme(placeholder, theme) for live theming.

(function () {
  'use strict';

  var PROTOCOL = 'placement-finder';
  var VERSION = 1;
  /** data-* attributes passed to the finder as they are (placeholder dataset key → URL parameter). */
  var PASSED = {
    dataset: 'dataset', postcodes: 'postcodes', policy: 'policy', homeLa: 'home-la', radius: 'radius',
    tileUrl: 'tile-url', tileAttribution: 'tile-attribution', boundaries: 'boundaries',
  };
  /** The font shorthand: data-font sets --pf-font. */
  var MIN_HEIGHT = 400;

  var script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  var scriptSrc = script && script.src ? script.src : location.href;

  /**
   * @param {string} key a dataset key, e.g. themeBrand
   * @returns {string} its attribute spelling after the prefix, e.g. brand
   */
  function kebab(key) {
    return key.replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); });
  }

  /**
   * Builds the iframe URL from the placeholder's attributes.
   * @param {HTMLElement} el
   */
  function frameUrl(el) {
    var url = new URL(el.dataset.src || 'embed.html', scriptSrc);
    var params = url.searchParams;
    params.set('origin', location.origin);
    var data = el.dataset;
    for (var key in data) {
      var value = data[key];
      if (value == null) continue;
      if (Object.prototype.hasOwnProperty.call(PASSED, key)) params.set(PASSED[/** @type {keyof typeof PASSED} */ (key)], value);
      else if (key === 'font') params.set('theme-font', value);
      else if (/^theme[A-Z]/.test(key)) params.set('theme-' + kebab(key.slice(5)).slice(1), value);
      else if (/^text[A-Z]/.test(key)) params.set('text-' + kebab(key.slice(4)).slice(1), value);
    }
    return url;
  }

  /** @type {{ el: HTMLElement, frame: HTMLIFrameElement, origin: string }[]} */
  var embeds = [];

  /** @param {HTMLElement} el */
  function mount(el) {
    if (el.dataset.placementFinderMounted) return;
    el.dataset.placementFinderMounted = 'true';
    var url = frameUrl(el);
    var frame = document.createElement('iframe');
    frame.src = url.href;
    frame.title = el.dataset.title || 'Find schools and settings for a child with SEND';
    frame.setAttribute('referrerpolicy', 'no-referrer');
    // Geolocation is the one feature the finder can use ("Use my location"); nothing else.
    frame.setAttribute('allow', 'geolocation ' + url.origin);
    frame.className = 'placement-finder-frame';
    frame.style.display = 'block';
    frame.style.width = '100%';
    frame.style.border = '0';
    frame.style.overflow = 'hidden';
    frame.style.height = (Number(el.dataset.minHeight) || MIN_HEIGHT) + 'px';
    el.replaceChildren(frame);
    embeds.push({ el: el, frame: frame, origin: url.origin });
  }

  window.addEventListener('message', function (event) {
    var m = event.data;
    if (!m || m.type !== PROTOCOL || m.version !== VERSION) return;
    for (var i = 0; i < embeds.length; i++) {
      var embed = embeds[i];
      // Only the finder's own origin, and only from the iframe this placeholder made.
      if (event.origin !== embed.origin || event.source !== embed.frame.contentWindow) continue;
      if ((m.kind === 'resize' || m.kind === 'ready' || m.kind === 'scrollTo') && typeof m.height === 'number' && isFinite(m.height)) {
        var height = Math.max(Number(embed.el.dataset.minHeight) || 0, Math.min(Math.ceil(m.height), 100000));
        embed.frame.style.height = height + 'px';
        embed.el.dataset.placementFinderHeight = String(height);
        if (m.kind === 'ready') embed.el.dataset.placementFinderReady = 'true';
      }
      if (m.kind === 'scrollTo') scrollToPart(embed.frame, m);
    }
  });

  /**
   * Scrolls this page to the part of the finder that has focus (a 'scrollTo' message).
   * @param {HTMLIFrameElement} frame
   * @param {{ top?: unknown, bottom?: unknown, block?: unknown }} m
   */
  function scrollToPart(frame, m) {
    var top = Number(m.top);
    var bottom = typeof m.bottom === 'number' ? Number(m.bottom) : top;
    if (!isFinite(top) || !isFinite(bottom) || top < 0 || top > 100000 || bottom < top) return;
    var frameTop = frame.getBoundingClientRect().top + window.pageYOffset + frame.clientTop;
    var y = m.block === 'center'
      ? frameTop + (top + Math.min(bottom, top + window.innerHeight)) / 2 - window.innerHeight / 2
      : frameTop + top;
    window.scrollTo(0, Math.max(0, Math.round(y)));
  }

  function mountAll() {
    var els = document.querySelectorAll('[data-placement-finder]');
    for (var i = 0; i < els.length; i++) mount(/** @type {HTMLElement} */ (els[i]));
  }

  /** @type {any} */ (window).PlacementFinderEmbed = {
    version: VERSION,
    mountAll: mountAll,
    /**
     * Changes the theme of a mounted finder: names without --pf- (brand, font, ...).
     * @param {HTMLElement} el the placeholder
     * @param {Record<string, string>} theme
     */
    setTheme: function (el, theme) {
      for (var i = 0; i < embeds.length; i++) {
        var embed = embeds[i];
        if (embed.el !== el || !embed.frame.contentWindow) continue;
        embed.frame.contentWindow.postMessage({ type: PROTOCOL, version: VERSION, kind: 'theme', theme: theme }, embed.origin);
      }
    },
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
})();
