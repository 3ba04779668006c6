/**
 * In a browser the page drives the emulated phone, by default (contract §8.4), as a mini program ported to H5
 * expects: the page going hidden or visible is `onAppHide`/`onAppShow`; the `offline`/`online` events and
 * `navigator.connection` are the network status (§8.2), with what network changes do to sockets (§8.3). A hidden page
 * suspends the app only when `createWx({suspendDelay})` asks for it; links are never shaped by the browser build.
 * `createWx({pageEvents: false})` turns all of it off.
 */
import { DEFAULT_HIDE_REASON, type AppLifecycle } from './app-lifecycle.js';
import type { FieldSettings } from './field-options.js';
import type { NetworkStatus } from './network-status.js';
import type { NetworkType } from './types.js';

/** The parts of the Network Information API read here (Chromium; absent elsewhere). */
interface NetworkInformation extends EventTarget {
  readonly type?: string;
  readonly effectiveType?: string;
}

/** One `wx` object's program, following the page. */
interface Follower {
  readonly lifecycle: AppLifecycle;
  readonly network: NetworkStatus;
  readonly settings: { readonly field: FieldSettings };
}

/**
 * Every follower, held weakly: the page's listeners are added once for all `wx` objects, and a `wx` object nobody
 * holds any more is not kept alive by them.
 */
const followers = new Set<WeakRef<Follower>>();
let listening = false;

/** The generations WeChat names that `navigator.connection.effectiveType` can say (`slow-2g` counts as 2g). */
const GENERATIONS: readonly (string | undefined)[] = ['2g', '3g', '4g'];

/** WeChat's name for the page's network [ours: a desktop without `navigator.connection.type` is on `wifi`]. */
function pageNetworkType(): NetworkType {
  if (globalThis.navigator?.onLine === false) return 'none';
  const connection = (globalThis.navigator as { connection?: NetworkInformation } | undefined)?.connection;
  const type = connection?.type;
  if (type === 'cellular') {
    const generation = connection!.effectiveType === 'slow-2g' ? '2g' : connection!.effectiveType;
    return GENERATIONS.includes(generation) ? (generation as NetworkType) : 'unknown';
  }
  return type === 'none' ? 'none' : [undefined, 'wifi', 'ethernet', 'wimax'].includes(type) ? 'wifi' : 'unknown';
}

function forEachFollower(act: (follower: Follower) => void): void {
  for (const reference of followers) {
    const follower = reference.deref();
    if (follower) act(follower);
    else followers.delete(reference);
  }
}

function listen(document: Document): void {
  listening = true;
  document.addEventListener('visibilitychange', () => {
    const hidden = document.visibilityState === 'hidden';
    forEachFollower(({ lifecycle, settings: { field } }) => {
      if (hidden) lifecycle.hide(DEFAULT_HIDE_REASON, field.suspendDelay ?? Infinity);
      else lifecycle.show(field.launch);
    });
  });
  const networkChanged = (): void => {
    const type = pageNetworkType();
    // Going offline fails every socket (§8.3); a change of connection type is only reported [ours]: the browser's
    // own sockets live or die with the real network, and Chromium's measured `effectiveType` changes by itself.
    forEachFollower(({ network }) => network.setType(type, type === 'none'));
  };
  globalThis.addEventListener?.('online', networkChanged);
  globalThis.addEventListener?.('offline', networkChanged);
  (globalThis.navigator as { connection?: NetworkInformation } | undefined)?.connection?.addEventListener?.(
    'change',
    networkChanged,
  );
}

/** Makes one `wx` object's phone follow the page, where there is a page (nothing happens elsewhere). */
export function followPage(program: Follower): void {
  const document = globalThis.document as Document | undefined;
  if (
    !program.settings.field.pageEvents ||
    typeof document?.addEventListener !== 'function' ||
    typeof WeakRef !== 'function'
  )
    return;
  program.network.assume(pageNetworkType());
  followers.add(new WeakRef(program));
  if (!listening) listen(document);
}
