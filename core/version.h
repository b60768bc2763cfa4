/* version.h - the Tollgate version string. */
#ifndef TOLLGATE_VERSION_H
#define TOLLGATE_VERSION_H
#define TOLLGATE_VERSION "0.1.0"
#endif
