/* global window, indexedDB, location, navigator, crypto, atob, btoa, console, setTimeout, clearTimeout, setInterval, clearInterval */
// The WhatsApp Web simulator: runs inside the page that whatsapp-web.js loads
// from https://web.whatsapp.com/ (served from the local web version cache).
// It provides window.Debug.VERSION and the window.require(name) modules that
// whatsapp-web.js 1.34.7 reads from initialize() to ready, and
// window.__simulator, the commands the test controller calls.
// writeSimulatorPage sets window.__simulatorOptions before this script runs.
(function simulator() {
  'use strict';

  const options = window.__simulatorOptions;
  const databaseName = 'wr-simulator';
  const storeName = 'session';
  const pairingKey = 'pairing';

  // A Backbone-style model: attributes are plain properties, set(name, value)
  // triggers `change:<name>` with (model, value, previous). Listeners live in a
  // private field so that Object.keys() shows only the attributes (whatsapp-web.js
  // looks for the first Map among the keys of WAWebCallCollection).
  class Model {
    #listeners = new Map();

    constructor(attributes) {
      Object.assign(this, attributes);
    }

    on(events, callback) {
      for (const name of events.split(/\s+/)) {
        const list = this.#listeners.get(name) ?? [];
        list.push(callback);
        this.#listeners.set(name, list);
      }
      return this;
    }

    off(events, callback) {
      for (const name of events.split(/\s+/)) {
        const list = this.#listeners.get(name) ?? [];
        this.#listeners.set(
          name,
          list.filter((listener) => listener !== callback),
        );
      }
      return this;
    }

    once(events, callback) {
      const wrapper = (...args) => {
        this.off(events, wrapper);
        callback(...args);
      };
      return this.on(events, wrapper);
    }

    listenerCount(name) {
      return (this.#listeners.get(name) ?? []).length;
    }

    trigger(name, ...args) {
      for (const listener of [...(this.#listeners.get(name) ?? [])]) {
        try {
          listener(...args);
        } catch (error) {
          console.error(`simulator: listener of ${name} failed`, error);
        }
      }
    }

    set(name, value) {
      const previous = this[name];
      if (previous === value) return;
      this[name] = value;
      this.trigger(`change:${name}`, this, value, previous);
      this.trigger('change', this);
    }
  }

  class Collection extends Model {
    constructor() {
      super({ models: [] });
    }

    get(id) {
      return this.models.find((model) => model.id === id);
    }

    getModelsArray() {
      return [...this.models];
    }

    async getMessagesById() {
      return { messages: [] };
    }
  }

  function randomBase64(length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    return encodeB64(bytes);
  }

  function encodeB64(bytes) {
    let binary = '';
    for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  function decodeB64(text) {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  }

  // The pairing lives in IndexedDB of the https://web.whatsapp.com origin,
  // which Chromium keeps in the profile folder, so LocalAuth's user-data-dir
  // keeps it. Chromium 156 lost localStorage writes when the browser was
  // killed seconds later, while a `strict` IndexedDB commit survives that.
  let session = null;

  function openDatabase() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(databaseName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function loadSession() {
    const database = await openDatabase();
    return new Promise((resolve, reject) => {
      const request = database.transaction(storeName).objectStore(storeName).get(pairingKey);
      request.onsuccess = () => resolve(request.result ?? null);
      request.onerror = () => reject(request.error);
    });
  }

  // Resolves once the write is on disk (durability `strict`).
  async function saveSession(value) {
    session = value;
    const database = await openDatabase();
    return new Promise((resolve, reject) => {
      const transaction = database.transaction(storeName, 'readwrite', { durability: 'strict' });
      const store = transaction.objectStore(storeName);
      if (value) store.put(value, pairingKey);
      else store.delete(pairingKey);
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
    });
  }

  const keys = {
    staticKey: crypto.getRandomValues(new Uint8Array(32)),
    identityKey: crypto.getRandomValues(new Uint8Array(32)),
    advSecret: randomBase64(32),
  };
  const me = {
    server: 'c.us',
    user: options.phoneNumber,
    _serialized: `${options.phoneNumber}@c.us`,
  };

  const Socket = new Model({ state: 'OPENING', hasSynced: false });
  const Cmd = new Model({});
  const Conn = new Model({ ref: null, pushname: options.pushname, platform: 'web' });
  const Msg = new Collection();
  const Chat = new Collection();
  // whatsapp-web.js wraps set() of the first Map among this collection's keys
  // to report incoming calls, and fails before ready when there is none.
  const CallCollection = Object.assign(new Collection(), { calls: new Map() });
  let offlineProgress = 0;

  const modules = {
    WAWebSocketModel: { Socket },
    WAWebCmd: { Cmd },
    WAWebConnModel: { Conn },
    WAWebOfflineHandler: {
      OfflineMessageHandler: { getOfflineDeliveryProgress: () => offlineProgress },
    },
    WABase64: { encodeB64, decodeB64 },
    WAWebCompanionRegClientUtils: { DEVICE_PLATFORM: options.platform },
    WAWebAdvSignatureApi: {},
    WAWebAltDeviceLinkingApi: {},
    WAWebUserPrefsInfoStore: {
      waNoiseInfo: {
        get: async () => ({ staticKeyPair: { pubKey: keys.staticKey } }),
      },
    },
    WAWebSignalStoreApi: {
      waSignalStore: {
        getRegistrationInfo: async () => ({
          registrationId: 1,
          identityKeyPair: { pubKey: keys.identityKey },
        }),
      },
    },
    WAWebUserPrefsMultiDevice: { getADVSecretKey: () => keys.advSecret },
    WAWebUserPrefsMeUser: {
      getMaybeMePnUser: () => (session ? me : null),
      getMaybeMeLidUser: () => null,
    },
    WAWebCollections: { Msg, Chat },
    WAWebSyncGatingUtils: {},
    WAWebCallCollection: CallCollection,
    WAWebMiscBrowserUtils: {
      info: () => ({ name: 'Chrome', os: 'Linux', version: options.webVersion }),
    },
    WAWebNonMessageDataRequestPlaceholderMessageResendUtils: {
      handlePlaceholderMsgsSeen: () => undefined,
    },
    WAWebBackendJobsCommon: {},
    WAWebE2EProtoUtils: {},
    WAWebAddonReactionTableMode: {},
    WAWebAddonPollVoteTableMode: {},
  };
  const requested = new Set();

  // Like WhatsApp Web's module loader, an unknown name throws, so a module the
  // simulator lacks shows up as an error instead of a silent undefined.
  window.require = (name) => {
    requested.add(name);
    if (!Object.hasOwn(modules, name)) {
      throw new Error(`simulator: requiring unknown module "${name}"`);
    }
    return modules[name];
  };
  window.Debug = { VERSION: options.webVersion };

  const timers = { rotation: null, sync: [], rules: [] };
  let rotations = 0;
  let readyAt = null;

  function clearTimers() {
    clearInterval(timers.rotation);
    timers.rotation = null;
    for (const timer of [...timers.sync, ...timers.rules]) clearTimeout(timer);
    timers.sync = [];
    timers.rules = [];
  }

  function rotateQr() {
    Conn.set('ref', `2@${randomBase64(48)}`);
  }

  // Commands change state in a later task, so the evaluate that sent them
  // returns before whatsapp-web.js reacts (it may close the browser at once).
  function later(action) {
    setTimeout(action, 0);
  }

  function startRotation() {
    if (!(options.qrRotateMs > 0)) return;
    timers.rotation = setInterval(() => {
      if (options.qrMaxRotations !== null && rotations >= options.qrMaxRotations) {
        clearInterval(timers.rotation);
        Socket.set('state', 'UNPAIRED_IDLE');
        return;
      }
      rotations += 1;
      rotateQr();
    }, options.qrRotateMs);
  }

  function showQr() {
    rotateQr();
    Socket.set('state', 'UNPAIRED');
    startRotation();
  }

  // whatsapp-web.js reads Socket.state in one evaluate and subscribes to
  // change:hasSynced in a later one, so hasSynced flips only once a
  // listener exists. Real WhatsApp Web takes seconds to sync, which hides that race.
  function whenListening(model, event, callback) {
    if (model.listenerCount(event) > 0) return callback();
    timers.sync.push(setTimeout(() => whenListening(model, event, callback), 20));
  }

  function sync(syncDelayMs) {
    const steps = [0, 50, 100];
    steps.forEach((percent, index) => {
      const delay = (syncDelayMs * index) / steps.length;
      timers.sync.push(
        setTimeout(() => {
          offlineProgress = percent;
          Cmd.trigger('offline_progress_update_from_bridge');
        }, delay),
      );
    });
    timers.sync.push(
      setTimeout(() => {
        Socket.set('state', 'CONNECTED');
        whenListening(Socket, 'change:hasSynced', markSynced);
      }, syncDelayMs),
    );
  }

  function markSynced() {
    readyAt = Date.now();
    Socket.set('hasSynced', true);
    const rule = options.disconnectRules.find(ruleMatches);
    if (rule) {
      timers.rules.push(setTimeout(() => drop(rule.state ?? 'UNPAIRED'), rule.afterReadyMs));
    }
  }

  // A rule matches when every condition it names holds for what this page
  // observes; conditions it leaves out are ignored.
  function ruleMatches(rule) {
    const when = rule.when;
    const checks = [];
    if (when.userAgentIncludes !== undefined) {
      checks.push(navigator.userAgent.includes(when.userAgentIncludes));
    }
    if (when.webdriver !== undefined) {
      checks.push(Boolean(navigator.webdriver) === when.webdriver);
    }
    if (when.languages !== undefined) {
      checks.push(navigator.languages.join(',') === when.languages.join(','));
    }
    if (when.innerWidth !== undefined) checks.push(window.innerWidth === when.innerWidth);
    if (when.innerHeight !== undefined) checks.push(window.innerHeight === when.innerHeight);
    return checks.length > 0 && checks.every(Boolean);
  }

  async function scan(scanOptions = {}) {
    if (Socket.state !== 'UNPAIRED' && Socket.state !== 'UNPAIRED_IDLE') {
      throw new Error(`simulator: no QR to scan in state ${Socket.state}`);
    }
    clearTimers();
    await saveSession({ paired: true, wid: me._serialized });
    later(() => {
      Socket.set('state', 'PAIRING');
      sync(scanOptions.syncDelayMs ?? options.syncDelayMs);
    });
  }

  async function drop(state) {
    clearTimers();
    if (state === 'UNPAIRED' || state === 'UNPAIRED_IDLE') await saveSession(null);
    later(() => Socket.set('state', state));
  }

  // The phone removed this device: WhatsApp Web fires Cmd "logout" and loads
  // the page again. whatsapp-web.js marks the logout when it hears "logout" and
  // reports LOGOUT on the next navigation, so the reload waits
  // logoutReloadDelayMs for that message to reach it.
  async function logoutFromPhone() {
    clearTimers();
    await saveSession(null);
    later(() => Cmd.trigger('logout'));
    setTimeout(() => location.reload(), options.logoutReloadDelayMs);
  }

  // Blocks the main thread from the next task on, so evaluates stop returning.
  function freeze() {
    setTimeout(() => {
      for (;;) {
        // busy loop on purpose: a frozen page never yields
      }
    }, 0);
  }

  function state() {
    return {
      state: Socket.state,
      hasSynced: Socket.hasSynced,
      paired: session !== null,
      ref: Conn.ref,
      rotations,
      readyAt,
      // whatsapp-web.js subscribes to change:hasSynced at the end of inject().
      syncListeners: Socket.listenerCount('change:hasSynced'),
      webVersion: options.webVersion,
      requestedModules: [...requested],
      missingModules: [...requested].filter((name) => !Object.hasOwn(modules, name)),
    };
  }

  function qr() {
    if (Conn.ref === null) return null;
    return [
      Conn.ref,
      encodeB64(keys.staticKey),
      encodeB64(keys.identityKey),
      keys.advSecret,
      options.platform,
    ].join(',');
  }

  Socket.logout = () => drop('UNPAIRED');
  Socket.takeover = () => Socket.set('state', 'CONNECTED');
  Cmd.refreshQR = () => rotateQr();
  Conn.serialize = () => ({
    ref: Conn.ref,
    pushname: Conn.pushname,
    platform: Conn.platform,
  });

  window.__simulator = {
    state,
    qr,
    moduleNames: () => Object.keys(modules),
    // Index of the disconnect rule this page would apply now, or -1.
    matchingRule: () => options.disconnectRules.findIndex(ruleMatches),
    rotateQr: () => {
      const ref = `2@${randomBase64(48)}`;
      later(() => Conn.set('ref', ref));
      return ref;
    },
    scan,
    drop,
    logoutFromPhone,
    freeze,
  };

  async function start() {
    try {
      session = await loadSession();
    } catch (error) {
      console.error('simulator: cannot read the stored pairing', error);
    }
    if (session) sync(options.restoreDelayMs);
    else showQr();
  }

  setTimeout(start, options.openDelayMs);
})();
