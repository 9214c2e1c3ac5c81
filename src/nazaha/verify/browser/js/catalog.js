// The checks of an ElectionGuard 2.1 record in Nazaha's layout, as `nazaha verify` lists them
// (nazaha.verify.checks.catalog; a Python test keeps the two lists equal).

export const CHECKS = [
  ["0", "The record is complete, unaltered since it was indexed, and consistent"],
  ["B", "The bulletin board is an unbroken hash chain that matches the ballots"],
  ["E", "Every counted ballot was signed by a voter's credential or a device the election lists, once"],
  ["S", "The record is signed by the administrator key its election declared"],
  ["G", "The guardians' decryption messages are their own, and the last round is the one that decrypted the tally"],
  ["1", "The election uses the standard 2.1.0 parameters and its base hashes are right"],
  ["2", "Every guardian proved it knows its secret keys"],
  ["3", "The joint election keys are the product of the guardians' keys"],
  ["4", "The extended base hash is right"],
  ["5", "Every ballot has a unique identifier and a correct identifier hash"],
  ["6", "Every encrypted selection encrypts an allowed value"],
  ["7", "No contest on any cast ballot exceeds its selection limit"],
  ["8", "Every confirmation code is right and every ballot chain is unbroken"],
  ["N", "Every encrypted ballot nonce comes with a valid proof of knowledge of its encryption nonce"],
  ["D", "Every contest that declares contest data carries it, with a valid proof of knowledge of its nonce"],
  ["9", "The encrypted tally is the product of exactly the cast ballots"],
  ["10", "Every tally value is correctly decrypted"],
  ["11", "The tally covers exactly the manifest's contests and options"],
  ["12", "The guardians' decryptions of the challenged ballots' contest data (write-ins, overvotes) are proven correct"],
  ["13", "Every challenged ballot decrypts to what the record says it held"],
  ["14", "Every challenged ballot is a valid ballot of its style"],
  ["15", "Pre-encrypted ballots: every accumulated selection vector is the product of the selected ones"],
  ["16", "Pre-encrypted ballots: every confirmation code is right"],
  ["17", "Pre-encrypted ballots: every short code is right"],
  ["18", "Uncast pre-encrypted ballots: every encryption is correct"],
  ["19", "Uncast pre-encrypted ballots: every ballot matches its style"],
  ["A", "Paper audit: the paper ballots match the encrypted ballots they point at, to the risk limit"],
].map(([number, title]) => ({ number, title }));

export const PRE_ENCRYPTED = ["15", "16", "17", "18", "19"];

/** The standard 4096-bit group of ElectionGuard 2.1 §3.1.1 (p, q, g in hexadecimal). */
export const STANDARD = {
  p:
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFB17217F7D1CF79ABC9E3B39803F2F6AF" +
    "40F343267298B62D8A0D175B8BAAFA2BE7B876206DEBAC98559552FB4AFA1B10ED2EAE35C138214427573B291169B825" +
    "3E96CA16224AE8C51ACBDA11317C387EB9EA9BC3B136603B256FA0EC7657F74B72CE87B19D6548CAF5DFA6BD38303248" +
    "655FA1872F20E3A2DA2D97C50F3FD5C607F4CA11FB5BFB90610D30F88FE551A2EE569D6DFC1EFA157D2E23DE1400B396" +
    "17460775DB8990E5C943E732B479CD33CCCC4E659393514C4C1A1E0BD1D6095D25669B333564A3376A9C7F8A5E148E82" +
    "074DB6015CFE7AA30C480A5417350D2C955D5179B1E17B9DAE313CDB6C606CB1078F735D1B2DB31B5F50B5185064C18B" +
    "4D162DB3B365853D7598A1951AE273EE5570B6C68F96983496D4E6D330AF889B44A02554731CDC8EA17293D1228A4EF9" +
    "8D6F5177FBCF0755268A5C1F9538B98261AFFD446B1CA3CF5E9222B88C66D3C5422183EDC99421090BBB16FAF3D949F2" +
    "36E02B20CEE886B905C128D53D0BD2F9621363196AF503020060E49908391A0C57339BA2BEBA7D052AC5B61CC4E9207C" +
    "EF2F0CE2D7373958D762265890445744FB5F2DA4B751005892D356890DEFE9CAD9B9D4B713E06162A2D8FDD0DF2FD608" +
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
  q: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF43",
  g:
    "36036FED214F3B50DC566D3A312FE4131FEE1C2BCE6D02EA39B477AC05F7F885F38CFE77A7E45ACF4029114C4D7A9BFE" +
    "058BF2F995D2479D3DDA618FFD910D3C4236AB2CFDD783A5016F7465CF59BBF45D24A22F130F2D04FE93B2D58BB9C1D1" +
    "D27FC9A17D2AF49A779F3FFBDCA22900C14202EE6C99616034BE35CBCDD3E7BB7996ADFE534B63CCA41E21FF5DC778EB" +
    "B1B86C53BFBE99987D7AEA0756237FB40922139F90A62F2AA8D9AD34DFF799E33C857A6468D001ACF3B681DB87DC4242" +
    "755E2AC5A5027DB81984F033C4D178371F273DBB4FCEA1E628C23E52759BC7765728035CEA26B44C49A65666889820A4" +
    "5C33DD37EA4A1D00CB62305CD541BE1E8A92685A07012B1A20A746C3591A2DB3815000D2AACCFE43DC49E828C1ED7387" +
    "466AFD8E4BF1935593B2A442EEC271C50AD39F733797A1EA11802A2557916534662A6B7E9A9E449A24C8CFF809E79A4D" +
    "806EB681119330E6C57985E39B200B4893639FDFDEA49F76AD1ACD997EBA13657541E79EC57437E504EDA9DD01106151" +
    "6C643FB30D6D58AFCCD28B73FEDA29EC12B01A5EB86399A593A9D5F450DE39CB92962C5EC6925348DB54D128FD99C14B" +
    "457F883EC20112A75A6A0581D3D80A3B4EF09EC86F9552FFDA1653F133AA2534983A6F31B0EE4697935A6B1EA2F75B85" +
    "E7EBA151BA486094D68722B054633FEC51CA3F29B31E77E317B178B6B9D8AE0F",
};
