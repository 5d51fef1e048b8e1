select café from t where a <> 1 -- comment
/* block */ ? 0x0DDBEEF