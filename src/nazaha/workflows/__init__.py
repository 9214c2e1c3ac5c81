"""Use cases shared by the command line and the service: the one election lifecycle
(``lifecycle``), the ballot-box service over it (``ballot_box``), the workspace (``workspace``),
remote guardians and administrators, the demonstration, audits, publishing."""
