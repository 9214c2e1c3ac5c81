"""The verifier for laypeople, in the browser: the checks of ``nazaha verify`` written again in
JavaScript (``js/``), and the one self-contained page that runs them (``page``)."""
