// The form: builds the questions that come from the engine (needs, levels, kinds) as soon as the
// page's script runs, from the vocabulary and default levels Rust generates (generated/
// vocabulary.js), and checks them against the engine's once it has loaded (`update`); reads and
// writes the page state, reveals conditional questions, and shows errors the GOV.UK way (an error
// summary that takes focus and links to each field, plus a message at the field).
//
// Events dispatched on the <form> (wired in main.js):
//   pf:change   {detail: {name, typing}}   something changed; `typing` for text inputs
//   pf:submit                               the person asked for results
//   pf:reset                                "Start again"
//   pf:use-location                         "Use my location"

import { byId, clear, h, hiddenText, sentence } from './dom.js';
import { nextSeptember } from './query.js';
import { reveal } from './reveal.js';
import { emptyState } from './state.js';

/**
 * @typedef {import('./state.js').PageState} PageState
 * @typedef {import('./query.js').FieldError} FieldError
 * @typedef {import('./query.js').Field} Field
 * @typedef {import('./types.js').Vocabulary} Vocabulary
 * @typedef {import('./types.js').Policy} Policy
 * @typedef {import('./types.js').PolicyLevel} PolicyLevel
 * @typedef {Pick<PolicyLevel, 'id' | 'label' | 'description' | 'kinds' | 'radiusMiles'>} FormLevel
 * @typedef {Pick<Policy, 'title' | 'illustrative' | 'notice'> & { levels: FormLevel[] }} FormPolicy
 *   What the form reads of a policy pack (www/js/generated/vocabulary.js holds the default's).
 */

const RADII = [1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100];

/** The inputs an error message describes, per field. */
const ERROR_INPUTS = /** @type {Record<Field, string[]>} */ ({
  postcode: ['postcode'],
  age: ['age'],
  dob: ['dob-day', 'dob-month', 'dob-year'],
  start: ['start-day', 'start-month', 'start-year'],
  yearGroup: ['year-group'],
  primaryNeed: [],
  level: [],
  kinds: [],
});

/**
 * @param {string} name
 * @returns {HTMLInputElement | null}
 */
function checkedRadio(name) {
  return /** @type {HTMLInputElement | null} */ (document.querySelector(`input[name="${name}"]:checked`));
}

/**
 * @param {string} name
 * @param {string} value
 */
function checkRadio(name, value) {
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll(`input[name="${name}"]`))) {
    input.checked = input.value === value;
  }
}

/**
 * @param {string} id
 * @returns {HTMLInputElement}
 */
function input(id) {
  return /** @type {HTMLInputElement} */ (byId(id));
}

/**
 * What the form shows and uses of a level (the pack's other fields do not change the questions).
 * @param {FormLevel} level
 */
function levelShown(level) {
  return { id: level.id, label: level.label, description: level.description, kinds: level.kinds, radiusMiles: level.radiusMiles };
}

/** @param {string} text */
function safeId(text) {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

export class PlacementForm {
  /** @param {HTMLFormElement} form */
  constructor(form) {
    this.form = form;
    /** @type {import('./types.js').LatLon | null} */
    this.point = null;
    this.kindsEdited = false;
    this.radiusEdited = false;
    /** The council's default radius in miles (data-radius), used instead of each level's usual one. */
    this.defaultRadius = /** @type {number | null} */ (null);
    /** @type {FormPolicy | null} */
    this.policy = null;
    /** @type {Vocabulary | null} */
    this.vocabulary = null;
    /** @type {FieldError[]} */
    this.errors = [];
    this.today = new Date().toISOString().slice(0, 10);

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.emit('pf:submit');
    });
    form.addEventListener('input', (event) => this.onInput(event, true));
    form.addEventListener('change', (event) => this.onInput(event, false));
    byId('pf-reset').addEventListener('click', () => this.emit('pf:reset'));
    byId('use-location').addEventListener('click', () => this.emit('pf:use-location'));
    this.revealConditionals();
  }

  /**
   * @param {string} type
   * @param {unknown} [detail]
   */
  emit(type, detail) {
    this.form.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /**
   * @param {Event} event
   * @param {boolean} typing
   */
  onInput(event, typing) {
    const target = /** @type {HTMLInputElement} */ (event.target);
    const name = target.name;
    const isText = target.type === 'text';
    if (!isText && typing) return; // radios and checkboxes: handled on 'change'
    if (isText && !typing) return; // text: already handled on 'input'
    if (name === 'postcode' && target.value.trim() !== '') this.point = null;
    if (name === 'level') this.applyLevel();
    if (name === 'kind') this.kindsEdited = true;
    if (name === 'radius') this.radiusEdited = true;
    if (name === 'primaryNeed') this.syncOtherNeeds();
    if (name === 'ageMode' && target.value === 'dob') this.defaultStartDate();
    this.revealConditionals();
    this.emit('pf:change', { name, typing: isText });
  }

  /**
   * Builds the questions that depend on the engine's vocabulary and the policy pack. With
   * `notice: false` the pack's notice is left out (a council's own pack is still loading).
   * @param {Vocabulary} vocabulary
   * @param {FormPolicy} policy
   * @param {{ notice?: boolean }} [options]
   */
  build(vocabulary, policy, { notice = true } = {}) {
    this.vocabulary = vocabulary;
    this.policy = policy;
    this.buildNeeds(byId('primary-need-options'), 'radio', 'primaryNeed', 'need');
    this.buildNeeds(byId('other-needs-options'), 'checkbox', 'otherNeeds', 'other');
    this.showNotice(notice ? policy : null);
    this.buildLevels();
    this.buildKinds();
    this.fillRadius(null);
  }

  /**
   * The engine has loaded: its vocabulary and policy pack replace those the form was built with
   * (Rust's generated ones). Only questions whose options differ are rebuilt (the levels, when a
   * council's pack has other levels; the needs and kinds if the engine's words are not the
   * generated ones), keeping the answers given so far where the codes and ids match, the focus
   * where its option still exists, and the errors shown.
   * @param {Vocabulary} vocabulary
   * @param {FormPolicy} policy
   * @returns {{ vocabulary: boolean, levels: boolean }} what was rebuilt
   */
  update(vocabulary, policy) {
    const sameVocabulary = JSON.stringify(this.vocabulary) === JSON.stringify(vocabulary);
    const sameLevels = JSON.stringify(this.policy?.levels.map(levelShown)) === JSON.stringify(policy.levels.map(levelShown));
    const state = this.read();
    const focused = /** @type {HTMLInputElement | null} */ (this.form.contains(document.activeElement) ? document.activeElement : null);
    const focus = focused ? { name: focused.name, value: focused.value } : null;
    this.vocabulary = vocabulary;
    this.policy = policy;
    this.showNotice(policy);
    if (!sameVocabulary) {
      this.buildNeeds(byId('primary-need-options'), 'radio', 'primaryNeed', 'need');
      this.buildNeeds(byId('other-needs-options'), 'checkbox', 'otherNeeds', 'other');
      this.buildKinds();
    }
    if (!sameLevels) this.buildLevels();
    if (sameVocabulary && sameLevels) return { vocabulary: false, levels: false };

    checkRadio('primaryNeed', state.primaryNeed);
    for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (this.form.querySelectorAll('input[name="otherNeeds"]'))) {
      box.checked = state.otherNeeds.includes(box.value);
    }
    this.syncOtherNeeds();
    checkRadio('level', state.level);
    const level = this.selectedLevel();
    this.kindsEdited = state.kinds != null;
    this.tickKinds(state.kinds ?? level?.kinds ?? []);
    this.fillRadius(this.radiusEdited ? state.radiusMiles : (this.defaultRadius ?? level?.radiusMiles ?? null));
    this.revealConditionals();
    // The focused option was replaced: focus its new copy (or its question's first option).
    if (focus && !this.form.contains(document.activeElement)) {
      const same = [...this.form.querySelectorAll(`input[name="${focus.name}"]`)]
        .map((el) => /** @type {HTMLInputElement} */ (el));
      (same.find((el) => el.value === focus.value) ?? same[0])?.focus();
    }
    if (this.errors.length) this.showErrors(this.errors, { focus: false });
    return { vocabulary: !sameVocabulary, levels: !sameLevels };
  }

  /** @param {FormPolicy | null} policy the pack whose title and notice to show (null: none yet) */
  showNotice(policy) {
    const notice = byId('level-notice');
    clear(notice);
    notice.hidden = !policy;
    if (!policy) return;
    notice.append(h('strong', {}, policy.title), ' ', policy.illustrative ? policy.notice : '');
    if (!policy.illustrative && policy.notice) notice.append(policy.notice);
  }

  buildLevels() {
    const levels = byId('level-options');
    clear(levels);
    (this.policy?.levels ?? []).forEach((level, i) => {
      const id = `level-${i}`;
      levels.append(h('div', { class: 'pf-radios__item' },
        h('input', { class: 'pf-radios__input', id, name: 'level', type: 'radio', value: level.id, 'aria-describedby': `${id}-hint` }),
        h('label', { class: 'pf-label pf-radios__label pf-label--bold', for: id }, level.label),
        h('div', { class: 'pf-hint pf-radios__hint', id: `${id}-hint` }, level.description)));
    });
  }

  buildKinds() {
    const kinds = byId('kind-options');
    clear(kinds);
    for (const kind of this.vocabulary?.kinds ?? []) {
      const id = `kind-${safeId(kind.code)}`;
      kinds.append(h('div', { class: 'pf-checkboxes__item' },
        h('input', { class: 'pf-checkboxes__input', id, name: 'kind', type: 'checkbox', value: kind.code }),
        h('label', { class: 'pf-label pf-checkboxes__label', for: id }, kind.label)));
    }
  }

  /**
   * @param {HTMLElement} container
   * @param {'radio' | 'checkbox'} type
   * @param {string} name
   * @param {string} prefix
   */
  buildNeeds(container, type, name, prefix) {
    const vocabulary = /** @type {Vocabulary} */ (this.vocabulary);
    clear(container);
    const groups = [...vocabulary.areas.map((a) => ({ code: a.code, label: a.label })), { code: '', label: 'Other' }];
    const kind = type === 'radio' ? 'radios' : 'checkboxes';
    for (const group of groups) {
      const needs = vocabulary.needs.filter((n) => (n.area ?? '') === group.code);
      if (needs.length === 0) continue;
      const headingId = `${prefix}-area-${safeId(group.code || 'other')}`;
      const list = h('div', { class: `pf-${kind} pf-${kind}--small`, role: 'group', 'aria-labelledby': headingId });
      for (const need of needs) {
        const id = `${prefix}-${safeId(need.code)}`;
        list.append(h('div', { class: `pf-${kind}__item`, 'data-need': need.code },
          h('input', { class: `pf-${kind}__input`, id, name, type, value: need.code, 'aria-describedby': `${id}-hint` }),
          h('label', { class: `pf-label pf-${kind}__label`, for: id }, sentence(need.plain)),
          h('div', { class: `pf-hint pf-${kind}__hint`, id: `${id}-hint` }, `${need.label} (${need.code})`)));
      }
      container.append(h('div', { class: 'pf-grouped__group' },
        h('h3', { class: 'pf-grouped__heading', id: headingId }, group.label), list));
    }
  }

  /** The level the form has selected, if any. */
  selectedLevel() {
    const id = checkedRadio('level')?.value;
    return this.policy?.levels.find((l) => l.id === id) ?? null;
  }

  /** Ticks the level's kinds and its radius, unless the person has changed them. */
  applyLevel() {
    const level = this.selectedLevel();
    if (!level) return;
    this.kindsEdited = false;
    this.tickKinds(level.kinds);
    if (!this.radiusEdited) this.fillRadius(this.defaultRadius ?? level.radiusMiles);
  }

  /** @param {string[]} codes */
  tickKinds(codes) {
    for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (this.form.querySelectorAll('input[name="kind"]'))) {
      box.checked = codes.includes(box.value);
    }
  }

  /** @param {number | null} miles */
  fillRadius(miles) {
    const select = /** @type {HTMLSelectElement} */ (byId('radius'));
    const level = this.selectedLevel();
    const values = new Set(RADII);
    if (level) values.add(level.radiusMiles);
    if (miles != null) values.add(miles);
    clear(select);
    for (const value of [...values].sort((a, b) => a - b)) {
      const suffix = level && value === level.radiusMiles ? ' (usual for this level)' : '';
      select.append(h('option', { value: String(value) }, `Up to ${value} ${value === 1 ? 'mile' : 'miles'}${suffix}`));
    }
    select.value = String(miles ?? level?.radiusMiles ?? 10);
  }

  /** Hides the main need among the other needs (it is already counted). */
  syncOtherNeeds() {
    const primary = checkedRadio('primaryNeed')?.value ?? '';
    for (const item of /** @type {NodeListOf<HTMLElement>} */ (byId('other-needs-options').querySelectorAll('[data-need]'))) {
      const isPrimary = item.dataset.need === primary;
      item.hidden = isPrimary;
      const box = /** @type {HTMLInputElement} */ (item.querySelector('input'));
      if (isPrimary) box.checked = false;
    }
  }

  defaultStartDate() {
    const parts = ['start-day', 'start-month', 'start-year'].map(input);
    if (parts.every((p) => p.value.trim() === '')) {
      const next = nextSeptember(this.today);
      parts[0].value = next.day;
      parts[1].value = next.month;
      parts[2].value = next.year;
    }
  }

  /** Shows the panel each checked conditional radio or checkbox controls; hides the others. */
  revealConditionals() {
    for (const control of /** @type {NodeListOf<HTMLInputElement>} */ (this.form.querySelectorAll('input[aria-controls]'))) {
      const panel = document.getElementById(control.getAttribute('aria-controls') ?? '');
      if (!panel) continue;
      panel.hidden = !control.checked;
    }
  }

  /**
   * Where the form says home is: a postcode (as typed) or a point.
   * @param {import('./types.js').LatLon | null} point
   */
  setPoint(point) {
    this.point = point;
    if (point) input('postcode').value = '';
  }

  /**
   * The state the form shows (without the comparison, which main.js keeps).
   * @returns {PageState}
   */
  read() {
    const state = emptyState();
    state.postcode = input('postcode').value.trim();
    state.point = state.postcode ? null : this.point;
    state.ageMode = checkedRadio('ageMode')?.value === 'dob' ? 'dob' : 'age';
    state.age = input('age').value.trim();
    state.dob = { day: input('dob-day').value.trim(), month: input('dob-month').value.trim(), year: input('dob-year').value.trim() };
    state.start = { day: input('start-day').value.trim(), month: input('start-month').value.trim(), year: input('start-year').value.trim() };
    state.outOfYear = input('out-of-year').checked;
    state.yearGroup = state.outOfYear ? /** @type {HTMLSelectElement} */ (byId('year-group')).value : '';
    state.primaryNeed = checkedRadio('primaryNeed')?.value ?? '';
    state.otherNeeds = [...this.form.querySelectorAll('input[name="otherNeeds"]:checked')]
      .map((el) => /** @type {HTMLInputElement} */ (el).value)
      .filter((code) => code !== state.primaryNeed);
    state.level = checkedRadio('level')?.value ?? '';
    state.kinds = this.kindsEdited
      ? [...this.form.querySelectorAll('input[name="kind"]:checked')].map((el) => /** @type {HTMLInputElement} */ (el).value)
      : null;
    state.radiusMiles = this.radiusEdited ? Number(/** @type {HTMLSelectElement} */ (byId('radius')).value) : this.defaultRadius;
    state.childSex = checkedRadio('childSex')?.value ?? '';
    state.singleSex = checkedRadio('singleSex')?.value ?? '';
    state.religion = /** @type {HTMLSelectElement} */ (byId('religion')).value;
    state.boarding = checkedRadio('boarding')?.value ?? '';
    state.includeIndependent = input('include-independent').checked;
    state.sameLaOnly = input('same-la').checked;
    return state;
  }

  /**
   * Shows a state (from a share link, or empty for "Start again"). Values the page does not
   * offer (an unknown need code, say) are left unselected.
   * @param {PageState} state
   */
  write(state) {
    input('postcode').value = state.postcode;
    this.point = state.postcode ? null : state.point;
    checkRadio('ageMode', state.ageMode);
    input('age').value = state.age;
    input('dob-day').value = state.dob.day;
    input('dob-month').value = state.dob.month;
    input('dob-year').value = state.dob.year;
    input('start-day').value = state.start.day;
    input('start-month').value = state.start.month;
    input('start-year').value = state.start.year;
    input('out-of-year').checked = state.outOfYear;
    /** @type {HTMLSelectElement} */ (byId('year-group')).value = state.yearGroup;
    checkRadio('primaryNeed', state.primaryNeed);
    for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (this.form.querySelectorAll('input[name="otherNeeds"]'))) {
      box.checked = state.otherNeeds.includes(box.value);
    }
    this.syncOtherNeeds();
    /** @type {HTMLDetailsElement} */ (byId('other-needs-details')).open = state.otherNeeds.length > 0;
    checkRadio('level', state.level);
    const level = this.selectedLevel();
    this.kindsEdited = state.kinds != null;
    this.tickKinds(state.kinds ?? level?.kinds ?? []);
    this.radiusEdited = state.radiusMiles != null && state.radiusMiles !== this.defaultRadius;
    this.fillRadius(state.radiusMiles ?? this.defaultRadius);
    checkRadio('childSex', state.childSex);
    checkRadio('singleSex', state.singleSex);
    /** @type {HTMLSelectElement} */ (byId('religion')).value = state.religion;
    checkRadio('boarding', state.boarding);
    input('include-independent').checked = state.includeIndependent;
    input('same-la').checked = state.sameLaOnly;
    /** @type {HTMLDetailsElement} */ (byId('preferences')).open = Boolean(state.childSex || state.singleSex ||
      state.religion || state.boarding || state.includeIndependent || state.sameLaOnly);
    this.revealConditionals();
  }

  /**
   * The id of the input an error links to: the field itself, or the first option of a group.
   * @param {Field} field
   */
  fieldTarget(field) {
    switch (field) {
      case 'dob': return 'dob-day';
      case 'start': return 'start-day';
      case 'yearGroup': return 'year-group';
      case 'primaryNeed': return this.form.querySelector('input[name="primaryNeed"]')?.id ?? 'primaryNeed-group';
      case 'level': return this.form.querySelector('input[name="level"]')?.id ?? 'level-group';
      case 'kinds': return this.form.querySelector('input[name="kind"]')?.id ?? 'kinds-group';
      default: return field;
    }
  }

  /**
   * Shows errors: the summary (focused when `focus`), and a message at each field.
   * @param {FieldError[]} errors
   * @param {{ focus: boolean }} options
   */
  showErrors(errors, { focus }) {
    this.clearErrors();
    this.errors = errors;
    const summary = byId('pf-error-summary');
    const list = byId('pf-error-summary-list');
    if (errors.length === 0) return;
    for (const error of errors) {
      const target = this.fieldTarget(error.field);
      const link = h('a', { href: `#${target}` }, error.message);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        this.focusField(error.field);
      });
      list.append(h('li', {}, link));

      const group = document.getElementById(`${error.field}-group`);
      group?.classList.add('pf-form-group--error');
      const message = document.getElementById(`${error.field}-error`);
      if (message) {
        message.replaceChildren(hiddenText('Error: '), error.message);
        message.hidden = false;
        const described = [...ERROR_INPUTS[error.field].map((id) => byId(id))];
        const fieldset = group?.querySelector('fieldset');
        if (described.length === 0 && fieldset) described.push(fieldset);
        for (const el of described) {
          el.classList.add('pf-input--error');
          const before = el.getAttribute('aria-describedby') ?? '';
          el.dataset.describedBy = before;
          el.setAttribute('aria-describedby', `${before} ${message.id}`.trim());
        }
      }
    }
    summary.hidden = false;
    if (!document.title.startsWith('Error: ')) document.title = `Error: ${document.title}`;
    if (focus) reveal(summary, 'start');
  }

  clearErrors() {
    this.errors = [];
    document.title = document.title.replace(/^Error: /, '');
    byId('pf-error-summary').hidden = true;
    clear(byId('pf-error-summary-list'));
    for (const group of this.form.querySelectorAll('.pf-form-group--error')) group.classList.remove('pf-form-group--error');
    for (const message of /** @type {NodeListOf<HTMLElement>} */ (this.form.querySelectorAll('.pf-error-message'))) {
      message.hidden = true;
      clear(message);
    }
    for (const el of /** @type {NodeListOf<HTMLElement>} */ (this.form.querySelectorAll('.pf-input--error'))) {
      el.classList.remove('pf-input--error');
      if (el.dataset.describedBy) el.setAttribute('aria-describedby', el.dataset.describedBy);
      else el.removeAttribute('aria-describedby');
      delete el.dataset.describedBy;
    }
  }

  /**
   * Moves focus to a field and scrolls its question (legend or label) into view.
   * @param {Field} field
   */
  focusField(field) {
    const target = document.getElementById(this.fieldTarget(field));
    if (!target) return;
    const details = target.closest('details');
    if (details) details.open = true;
    const group = document.getElementById(`${field}-group`);
    reveal(target, 'start', group ?? target);
  }

  /** @param {string} text */
  setWhereStatus(text) {
    byId('where-status').textContent = text;
  }

  /** @param {string} text */
  setYearGroupText(text) {
    byId('year-group-text').textContent = text;
  }
}
