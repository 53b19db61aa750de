// The inbox's unread count, shared by the phone's tab bar and the console's
// header (issue 18): asked once on sign-in, again every minute while a page is
// open and whenever a message is read; a message leads where its to-do would
// (lib/todos.js).
import { reactive } from 'vue';
import { inboxUnread } from '../api.js';
import { todoLink } from './todos.js';

export const inbox = reactive({ unread: 0 });

let timer = null;

/** Asks the server again; a failure keeps the last count. */
export async function refreshUnread() {
  try {
    inbox.unread = (await inboxUnread()).unread;
  } catch { /* signed out or offline: keep what we had */ }
  return inbox.unread;
}

/** Starts the minute poll (once per page); stop with stopUnreadPoll(). */
export function startUnreadPoll() {
  refreshUnread();
  if (!timer) timer = setInterval(refreshUnread, 60 * 1000);
}

export function stopUnreadPoll() {
  if (timer) clearInterval(timer);
  timer = null;
}

/** Where a message is acted on: app 'admin' or 'mobile'; '' when it only informs. */
export function messageLink(msg, app) {
  return msg && msg.link ? todoLink({ link: msg.link }, app) : '';
}

/** The message key of an event's Chinese name: 'activity.noticed' → 'activity_noticed' (inbox.events). */
export function eventKey(event) {
  return String(event || '').replace(/\./g, '_');
}
