/* The xenbus device protocol: a front end (in the guest using a device)
 * and a back end (in the domain providing it) each publish a state in
 * xenstore, at <frontend>/state and <backend>/state, as a decimal number,
 * and each watches the other's.  The usual walk: both start Initialising;
 * the back end, ready for the front end's details, goes to InitWait; the
 * front end writes its ring references and event channel and goes to
 * Initialised (or straight to Connected); the back end maps them and goes
 * to Connected; then the front end goes to Connected.  Either end starts
 * a shutdown with Closing; both end at Closed. */
#ifndef PUBLIC_IO_XENBUS_H
#define PUBLIC_IO_XENBUS_H

#ifndef __ASSEMBLER__
enum xenbus_state {
    XenbusStateUnknown       = 0,
    XenbusStateInitialising  = 1,
    XenbusStateInitWait      = 2,   /* back end: waiting for the front end */
    XenbusStateInitialised   = 3,   /* front end: details published */
    XenbusStateConnected     = 4,
    XenbusStateClosing       = 5,   /* either end: going away */
    XenbusStateClosed        = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured  = 8
};
#endif /* !__ASSEMBLER__ */

#endif
