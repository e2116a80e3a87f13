// Tells the other tabs of this browser about sign-in, sign-out and activity.
export const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('l1-auth');
