/* commit.c - apply the configuration model to the running core (see commit.h).
 *
 * Today this covers what the foundation needs: the logging buffer size and
 * the trustpoint checks (key matches certificate, chain, dates) done by pki.c.
 * SIP listeners, TLS credentials and the dial-peer index are compiled here by
 * the signalling work. */
#include "core/commit.h"

#include <errno.h>
#include <stdio.h>

#include "core/log.h"
#include "core/pki.h"
#include "sip/sip_runtime.h"

int commit_check_trustpoint(const struct cfg_trustpoint *tp, char *err, size_t errsz)
{
	/* nothing to check until a certificate or key file is named */
	if (!tp->cert_file[0] && !tp->key_file[0] && !tp->ca_file[0] && !tp->crl_file[0])
		return 0;
	struct pki_tp_info *info = NULL;
	int rc = pki_trustpoint_load(tp, &info, err, errsz);
	pki_tp_info_free(info);
	return rc ? -EINVAL : 0;
}

int commit_apply(const struct cfg *c, char *err, size_t errsz)
{
	int rc = sip_runtime_apply(c, err, errsz);
	if (rc)
		return rc;
	size_t want = c->logging_buffered ? c->logging_buffered : LOG_BUF_DEFAULT;
	if (want != log_get_size())
		log_set_size(want);
	return 0;
}
