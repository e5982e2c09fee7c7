#ifndef PROXEN_VERSION_H
#define PROXEN_VERSION_H

#define PROXEN_VERSION "0.1"

#endif
