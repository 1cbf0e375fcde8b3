// The embed's entry point (embed.html): the embed's configuration and messaging first, then the
// same page logic as the full page. Modules run in import order, so embed-frame.js has applied
// the iframe URL's settings to the page before main.js reads them.

import './embed-frame.js';
import './main.js';
